package io.orderflow.payments;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.domain.ChargeResult;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the money back when an order is cancelled after it may have been charged (one of its events was
 * dead-lettered: PROCESSING_FAILED). The charge is found in the payment record, or at the gateway by the
 * order's key when the record was never written; the PaymentVoided event is the dedupe.
 */
final class VoidHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(VoidHandler.class);

  private final JetStreamBridge bridge;
  private final GatewayBreaker gateway;

  VoidHandler(JetStreamBridge bridge, GatewayBreaker gateway) {
    this.bridge = bridge;
    this.gateway = gateway;
  }

  @Override
  public Future<Void> handle(Delivery delivery) {
    if (!(delivery.event().data() instanceof Event.OrderCancelled cancelled) || cancelled.reason() != CancelReason.PROCESSING_FAILED) {
      return Future.succeededFuture();
    }
    String orderId = cancelled.orderId();
    var voided = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + orderId);
    var record = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + orderId);
    return Future.all(voided, record).<Void>compose(all -> {
      if (voided.result().isPresent()) return Future.succeededFuture();
      String traceparent = delivery.event().traceparent();
      return chargeOf(orderId, record.result(), traceparent).<Void>compose(charge -> {
        if (charge.isEmpty()) return Future.succeededFuture();
        return gateway.voidCharge(charge.get().chargeId(), traceparent)
            .compose(v -> bridge.publish(Envelope.of(new Event.PaymentVoided(orderId, charge.get().chargeId(),
                charge.get().amountCents(), charge.get().currency()), Instant.now(), delivery.cause())))
            .onSuccess(ack -> delivery.withLogContext(() -> LOG.warn("order {}: charge {} voided (order cancelled: {})", orderId,
                charge.get().chargeId(), cancelled.detail())))
            .mapEmpty();
      });
    }).recover(e -> GatewayBreaker.isOutage(e)
        ? Future.<Void>failedFuture(new RetryLater("payment gateway unavailable: " + e.getMessage(), gateway.retryDelayMillis()))
        : Future.failedFuture(e));
  }

  private record Charge(String chargeId, long amountCents, String currency) {}

  private Future<Optional<Charge>> chargeOf(String orderId, Optional<StoredEvent> record, String traceparent) {
    if (record.isPresent() && record.get().ok() && record.get().envelope().data() instanceof Event.PaymentAuthorized a) {
      return Future.succeededFuture(Optional.of(new Charge(a.chargeId(), a.amountCents(), a.currency())));
    }
    if (record.isPresent() && record.get().ok()) return Future.succeededFuture(Optional.empty()); // declined: nothing charged
    // No decision recorded: the charge may still have happened (its publish or its event was lost). The
    // amount is the reserved total, the one payments would have charged.
    var reserved = bridge.lastEvent(Topology.INVENTORY, Subjects.INVENTORY_RESERVED + "." + orderId);
    return Future.all(gateway.lookup(orderId, traceparent), reserved).map(all -> {
      Optional<ChargeResult> found = all.resultAt(0);
      Optional<StoredEvent> stock = all.resultAt(1);
      if (found.isEmpty() || !(found.get() instanceof ChargeResult.Authorized a)) return Optional.<Charge>empty();
      if (stock.isPresent() && stock.get().ok() && stock.get().envelope().data() instanceof Event.StockReserved r) {
        return Optional.of(new Charge(a.chargeId(), r.totalCents(), r.currency()));
      }
      throw new IllegalStateException("order " + orderId + " was charged (" + a.chargeId() + ") but has no StockReserved");
    });
  }
}
