package io.orderflow.orders.domain;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.OrderLine;
import java.time.Instant;
import java.util.List;

/**
 * An order as the API shows it. A fold over the order's events: {@link #placed} starts it, {@link #ended}
 * ends it once; any later terminal event is ignored, so an order has exactly one terminal state.
 */
public record OrderView(String orderId, String customerId, OrderStatus status, String reason, List<OrderLine> lines,
                        long totalCents, String currency, Instant placedAt, Instant endedAt) {

  public static OrderView placed(Event.OrderPlaced e, Instant at) {
    return new OrderView(e.orderId(), e.customerId(), OrderStatus.PENDING, null, e.lines(), e.totalCents(), e.currency(), at, null);
  }

  public OrderView ended(Event e, Instant at) {
    if (status != OrderStatus.PENDING) return this;
    return switch (e) {
      case Event.OrderConfirmed c -> new OrderView(orderId, customerId, OrderStatus.CONFIRMED, null, lines, totalCents, currency, placedAt, at);
      case Event.OrderCancelled c -> new OrderView(orderId, customerId, OrderStatus.CANCELLED, c.reason().name(), lines, totalCents, currency, placedAt, at);
      default -> this;
    };
  }

  /** The projection key: customer first, so one customer's orders are one key filter. */
  public String key() {
    return customerId + "." + orderId;
  }
}
