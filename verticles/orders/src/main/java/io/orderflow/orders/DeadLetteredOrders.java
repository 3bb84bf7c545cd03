package io.orderflow.orders;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.orders.domain.DeadLetterPolicy;
import io.orderflow.runtime.deadletter.DeadLetter;
import io.orderflow.runtime.deadletter.DeadLetterHandler;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.telemetry.LogContext;
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an order whose event was dead-lettered on the saga's path: CANCELLED / PROCESSING_FAILED, so
 * inventory releases its stock and payments voids a charge. Only the saga consumers' dead letters reach
 * it (the {@link Topology#ORDERS_DLQ} consumer filters them on the server). Dead letters that are not about
 * an order, or whose order already ended (or was never placed), change nothing.
 */
final class DeadLetteredOrders implements DeadLetterHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetteredOrders.class);

  private final OrderEnding ending;

  DeadLetteredOrders(OrderEnding ending) {
    this.ending = ending;
  }

  @Override
  public Future<Void> handle(DeadLetter letter, String traceparent) {
    String consumer = letter.eventConsumer().map(Topology.ConsumerSpec::durable).orElse(letter.consumer());
    Optional<String> orderId = DeadLetterPolicy.orderOf(letter.subject());
    if (orderId.isEmpty()) return Future.succeededFuture();
    Optional<Envelope> failed = letter.event();
    // Caused by the event that failed, on the delivery it was given up after: the timeline shows how often it was tried.
    Cause cause = Cause.afterDeliveries(failed.map(Envelope::id).orElse(null), traceparent, letter.deliveries());
    return ending.load(orderId.get()).compose(order -> {
      if (!order.exists()) {
        LogContext.ofTrace(traceparent, orderId.get(), cause.eventId()).around(() -> LOG.warn(
            "dead letter {} of {} names order {}, which was never placed", letter.sequence(), consumer, orderId.get()));
        return Future.succeededFuture();
      }
      if (order.hasEnded()) return Future.succeededFuture();
      LogContext.ofTrace(traceparent, orderId.get(), cause.eventId()).around(() -> LOG.warn(
          "order {}: {} dead-lettered {} (dead letter {}), cancelling", orderId.get(), consumer, letter.subject(), letter.sequence()));
      var cancel = new Event.OrderCancelled(order.placed().orderId(), order.placed().customerId(), CancelReason.PROCESSING_FAILED,
          DeadLetterPolicy.detail(letter.consumer(), letter.error()), order.placed().requestHash());
      return ending.end(order, cancel, cause);
    });
  }
}
