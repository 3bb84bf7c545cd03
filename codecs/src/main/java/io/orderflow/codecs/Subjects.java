package io.orderflow.codecs;

/**
 * The NATS subject layout. nats-server 2.9 allows one filter subject per consumer, so events that a
 * consumer needs together share a prefix, and events it must not see do not:
 * notifications filters {@code orderflow.orders.ended.>}, payments {@code orderflow.inventory.reserved.>},
 * orders {@code orderflow.payments.decided.>}.
 * The last token is always the event's subject (order id, or SKU for stock events), which also lets a
 * service look up "the last event of this kind for this order" with one direct get.
 */
public final class Subjects {
  public static final String ORDERS_PLACED = "orderflow.orders.placed";
  public static final String ORDERS_ENDED = "orderflow.orders.ended";
  public static final String INVENTORY_STOCK = "orderflow.inventory.stock";
  public static final String INVENTORY_RESERVED = "orderflow.inventory.reserved";
  public static final String INVENTORY_REJECTED = "orderflow.inventory.rejected";
  public static final String INVENTORY_SETTLED = "orderflow.inventory.settled";
  /** Authorized or declined: the payment decision, one per order (orders filters these). */
  public static final String PAYMENTS = "orderflow.payments.decided";
  public static final String PAYMENTS_VOIDED = "orderflow.payments.voided";
  public static final String SYSTEM_BREAKER = "orderflow.system.breaker";
  public static final String NOTIFICATIONS = "orderflow.notifications";
  public static final String AUDIT_BLOCKS = "orderflow.audit.blocks";
  public static final String DLQ = "orderflow.dlq";

  private Subjects() {}

  /** The last token of a subject: the order id or SKU the event is about. */
  public static String lastToken(String subject) {
    return subject.substring(subject.lastIndexOf('.') + 1);
  }
}
