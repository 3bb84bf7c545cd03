package io.orderflow.codecs;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event of the contract: its versioned CloudEvents type, the record carrying its data, and where it is published. */
public enum EventType {
  ORDER_PLACED("orderflow.order.placed.v1", Event.OrderPlaced.class, "orders", Subjects.ORDERS_PLACED),
  ORDER_CONFIRMED("orderflow.order.confirmed.v1", Event.OrderConfirmed.class, "orders", Subjects.ORDERS_ENDED),
  ORDER_CANCELLED("orderflow.order.cancelled.v1", Event.OrderCancelled.class, "orders", Subjects.ORDERS_ENDED),
  STOCK_SET("orderflow.inventory.stock-set.v1", Event.StockSet.class, "inventory", Subjects.INVENTORY_STOCK),
  STOCK_RESERVED("orderflow.inventory.stock-reserved.v1", Event.StockReserved.class, "inventory", Subjects.INVENTORY_RESERVED),
  STOCK_REJECTED("orderflow.inventory.stock-rejected.v1", Event.StockRejected.class, "inventory", Subjects.INVENTORY_REJECTED),
  STOCK_COMMITTED("orderflow.inventory.stock-committed.v1", Event.StockCommitted.class, "inventory", Subjects.INVENTORY_SETTLED),
  STOCK_RELEASED("orderflow.inventory.stock-released.v1", Event.StockReleased.class, "inventory", Subjects.INVENTORY_SETTLED),
  PAYMENT_AUTHORIZED("orderflow.payment.authorized.v1", Event.PaymentAuthorized.class, "payments", Subjects.PAYMENTS),
  PAYMENT_DECLINED("orderflow.payment.declined.v1", Event.PaymentDeclined.class, "payments", Subjects.PAYMENTS),
  PAYMENT_VOIDED("orderflow.payment.voided.v1", Event.PaymentVoided.class, "payments", Subjects.PAYMENTS_VOIDED),
  BREAKER_CHANGED("orderflow.system.breaker-changed.v1", Event.BreakerChanged.class, "payments", Subjects.SYSTEM_BREAKER),
  NOTIFICATION_SENT("orderflow.notification.sent.v1", Event.NotificationSent.class, "notifications", Subjects.NOTIFICATIONS),
  OPERATOR_ACTION("orderflow.operator.action.v1", Event.OperatorAction.class, "ops", Subjects.SYSTEM_OPERATOR);

  private static final Map<String, EventType> BY_CE_TYPE =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::ceType, Function.identity()));
  private static final Map<Class<?>, EventType> BY_CLASS =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::dataClass, Function.identity()));

  private final String ceType;
  private final Class<? extends Event> dataClass;
  private final String service;
  private final String subjectPrefix;

  EventType(String ceType, Class<? extends Event> dataClass, String service, String subjectPrefix) {
    this.ceType = ceType;
    this.dataClass = dataClass;
    this.service = service;
    this.subjectPrefix = subjectPrefix;
  }

  public String ceType() {
    return ceType;
  }

  public Class<? extends Event> dataClass() {
    return dataClass;
  }

  /** The service that owns (publishes) the event. */
  public String service() {
    return service;
  }

  /** True for the events of one order's saga; stock sets and breaker transitions are about other things. */
  public boolean isOrderEvent() {
    return this != STOCK_SET && this != BREAKER_CHANGED && this != OPERATOR_ACTION;
  }

  /** The CloudEvents {@code source}: the service that owns the event. */
  public String source() {
    return "/orderflow/" + service;
  }

  /** The NATS subject the event is published on; the last token is the event's subject (order id or SKU). */
  public String natsSubject(String subject) {
    return subjectPrefix + "." + subject;
  }

  /**
   * Why an event of this type may not have come on {@code natsSubject}, or null when it may. An event's type fixes
   * its subject, and NATS permissions fix who may publish on a subject: an event of one service's type on
   * another's subject is forged (or misrouted), even when its body is valid. A replay comes on the replay
   * subject of one consumer ({@code orderflow.replay.<consumer>.<subject>}): only its last token is the event's.
   */
  public String misrouted(String natsSubject, String eventSubject, boolean replay) {
    String expected = natsSubject(eventSubject);
    boolean ok = replay ? eventSubject.equals(Subjects.lastToken(natsSubject)) : expected.equals(natsSubject);
    return ok ? null : ceType + " is published by " + service + " on " + expected + ", this one came on " + natsSubject;
  }

  public static Optional<EventType> ofCeType(String ceType) {
    return Optional.ofNullable(BY_CE_TYPE.get(ceType));
  }

  public static EventType of(Event event) {
    return BY_CLASS.get(event.getClass());
  }
}
