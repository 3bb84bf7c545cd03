package io.orderflow.orders;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.Delivery;
import io.orderflow.runtime.EventHandler;
import io.orderflow.runtime.JetStreamBridge;
import io.orderflow.runtime.StoredEvent;
import io.orderflow.runtime.Topology;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends orders: confirmed on PaymentAuthorized, cancelled on StockRejected or PaymentDeclined. The order's
 * own ended subject is its dedupe: once an OrderConfirmed or OrderCancelled is stored, a redelivered or
 * late event only refreshes the projection from it, so an order reaches exactly one terminal state.
 */
final class SagaHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SagaHandler.class);

  private final JetStreamBridge bridge;
  private final OrderProjection projection;

  SagaHandler(JetStreamBridge bridge, OrderProjection projection) {
    this.bridge = bridge;
    this.projection = projection;
  }

  @Override
  public Future<Void> handle(Delivery d) {
    Envelope trigger = d.event();
    String orderId = trigger.subject();
    return Future.all(stored(Subjects.ORDERS_ENDED, orderId), stored(Subjects.ORDERS_PLACED, orderId)).compose(both -> {
      Optional<Envelope> ended = both.resultAt(0);
      Optional<Envelope> placed = both.resultAt(1);
      if (placed.isEmpty() || !(placed.get().data() instanceof Event.OrderPlaced order)) {
        return Future.failedFuture(new IllegalStateException("no OrderPlaced for " + orderId));
      }
      OrderView view = OrderView.placed(order, placed.get().time());
      if (ended.isPresent()) return projection.put(view.ended(ended.get().data(), ended.get().time())).mapEmpty();
      Event outcome = decide(order, trigger.data());
      if (outcome == null) return Future.succeededFuture();
      Envelope out = Envelope.of(outcome, Instant.now(), trigger.traceparent(), trigger.id());
      return bridge.publish(out).compose(ack -> projection.put(view.ended(outcome, out.time()))).mapEmpty();
    });
  }

  private static Event decide(Event.OrderPlaced order, Event trigger) {
    return switch (trigger) {
      case Event.PaymentAuthorized p -> {
        if (p.amountCents() != order.totalCents()) LOG.error("{}: charged {} but the total is {}", order.orderId(), p.amountCents(), order.totalCents());
        yield new Event.OrderConfirmed(order.orderId(), order.customerId(), order.totalCents(), order.currency());
      }
      case Event.PaymentDeclined p -> new Event.OrderCancelled(order.orderId(), order.customerId(), CancelReason.PAYMENT_DECLINED, p.declineCode());
      case Event.StockRejected r -> new Event.OrderCancelled(order.orderId(), order.customerId(), CancelReason.OUT_OF_STOCK,
          r.sku() + ": requested " + r.requested() + ", available " + r.available());
      default -> null;
    };
  }

  private Future<Optional<Envelope>> stored(String prefix, String orderId) {
    return bridge.lastEvent(Topology.ORDERS, prefix + "." + orderId).map(e -> e.filter(StoredEvent::ok).map(StoredEvent::envelope));
  }
}
