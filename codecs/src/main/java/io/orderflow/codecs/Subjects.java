package io.orderflow.codecs;

/**
 * The NATS subject layout: {@code orderflow.<context>.<kind>.<id>}. Each kind of event an order can have
 * once has its own subject, and the last token is always the event's subject (order id, or SKU for stock
 * events), so "the last event of this kind for this order" is one lookup by subject, and a consumer filters
 * exactly the kinds it handles.
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
  /** Operator actions (dead-letter replays and deletes, contact erasure): {@code orderflow.system.operator.<action>}. */
  public static final String SYSTEM_OPERATOR = "orderflow.system.operator";
  public static final String NOTIFICATIONS = "orderflow.notifications";
  public static final String AUDIT_BLOCKS = "orderflow.audit.blocks";
  public static final String DLQ = "orderflow.dlq";
  /**
   * Short-lived hand-offs from orders to one other service, each in a stream of its own with a per-message
   * TTL, never in an event: {@code orderflow.handoff.payment-token.<orderId>.<requestHash>} (stream
   * PAYMENT_TOKENS, read by payments) and {@code orderflow.handoff.contact.<orderId>.<requestHash>} (stream
   * CONTACTS, the email, read by notifications). The request's fingerprint in the subject keeps two requests
   * for one order (an Idempotency-Key reused with another body) from ever reading each other's hand-off.
   */
  public static final String HANDOFF_PREFIX = "orderflow.handoff";
  public static final String HANDOFF_PAYMENT_TOKEN = HANDOFF_PREFIX + ".payment-token";
  public static final String HANDOFF_CONTACT = HANDOFF_PREFIX + ".contact";

  /** The subject of one request's hand-off of an order: {@code <prefix>.<orderId>.<requestHash>}. */
  public static String handOff(String prefix, String orderId, String requestHash) {
    return prefix + "." + orderId + "." + requestHash;
  }

  private Subjects() {}

  /** Whether a NATS subject matches a filter ({@code *}: one token, {@code >}: one or more at the end). */
  public static boolean matches(String filter, String subject) {
    String[] f = filter.split("\\.", -1);
    String[] s = subject.split("\\.", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals(">")) return s.length > i;
      if (i >= s.length) return false;
      if (!f[i].equals("*") && !f[i].equals(s[i])) return false;
    }
    return f.length == s.length;
  }

  /** The last token of a subject: the order id or SKU the event is about. */
  public static String lastToken(String subject) {
    return subject.substring(subject.lastIndexOf('.') + 1);
  }
}
