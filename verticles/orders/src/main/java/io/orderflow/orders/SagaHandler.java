package io.orderflow.orders;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends orders: confirmed on PaymentAuthorized, cancelled on StockRejected or PaymentDeclined. The order's
 * own ended subject is its dedupe ({@link OrderEnding}): once an OrderConfirmed or OrderCancelled is stored,
 * a redelivered or late event only refreshes the projection from it, so an order reaches exactly one
 * terminal state.
 */
final class SagaHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SagaHandler.class);

  private final OrderEnding ending;

  SagaHandler(OrderEnding ending) {
    this.ending = ending;
  }

  @Override
  public Future<Void> handle(Delivery d) {
    Envelope trigger = d.event();
    String orderId = trigger.subject();
    // A first delivery reads only OrderPlaced: whether the order ended already is left to the publish's fence
    // (it expects an empty ended subject), which costs a read only when it fails. A redelivery reads both.
    return (d.seenBefore() ? ending.load(orderId) : ending.placedOnly(orderId)).compose(order -> {
      if (!order.exists()) return Future.failedFuture(new IllegalStateException("no OrderPlaced for " + orderId));
      return ending.end(order, decide(order.placed(), d), d.cause());
    });
  }

  private static Event decide(Event.OrderPlaced order, Delivery d) {
    return switch (d.event().data()) {
      case Event.PaymentAuthorized p -> {
        if (p.amountCents() != order.totalCents()) {
          d.withLogContext(() -> LOG.error("{}: charged {} but the total is {}", order.orderId(), p.amountCents(), order.totalCents()));
        }
        yield new Event.OrderConfirmed(order.orderId(), order.customerId(), order.totalCents(), order.currency(), order.requestHash());
      }
      case Event.PaymentDeclined p -> new Event.OrderCancelled(order.orderId(), order.customerId(), p.cancelReason(), p.declineCode(),
          order.requestHash());
      case Event.StockRejected r -> new Event.OrderCancelled(order.orderId(), order.customerId(), CancelReason.OUT_OF_STOCK,
          r.sku() + ": requested " + r.requested() + ", available " + r.available(), order.requestHash());
      default -> null;
    };
  }
}
