package io.orderflow.payments;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.domain.ChargeResult;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back the charge of an order that ended CANCELLED (I2: a cancelled order is never left charged). Two
 * paths meet here, and between them every charge is found, whichever of "charged" and "cancelled" is stored
 * last: the cancellation's consumer looks for a charge once OrderCancelled is stored, and the charging
 * handler looks for a cancellation once PaymentAuthorized is stored (both read from the stream leader). The
 * charge is found in the payment record, or at the gateway by the order's key when the record was never
 * written; the PaymentVoided event is the dedupe, and voiding twice at the gateway is harmless.
 */
final class ChargeVoiding {
  private static final Logger LOG = LoggerFactory.getLogger(ChargeVoiding.class);

  record Charge(String chargeId, long amountCents, String currency) {}

  private final JetStreamBridge bridge;
  private final GatewayBreaker gateway;

  ChargeVoiding(JetStreamBridge bridge, GatewayBreaker gateway) {
    this.bridge = bridge;
    this.gateway = gateway;
  }

  /** Voids the order's charge, if it has one that is not voided yet. {@code why}: for the log. */
  Future<Void> voidAnyCharge(String orderId, Delivery trigger, String why) {
    var voided = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + orderId);
    var record = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + orderId);
    return Future.all(voided, record).compose(all -> {
      if (voided.result().isPresent()) return Future.succeededFuture();
      return chargeOf(orderId, record.result(), trigger.event().traceparent())
          .compose(charge -> charge.isEmpty() ? Future.succeededFuture() : voidCharge(orderId, charge.get(), trigger, why));
    });
  }

  /** Voids a charge known from the payment record. */
  Future<Void> voidCharge(String orderId, Charge charge, Delivery trigger, String why) {
    String traceparent = trigger.event().traceparent();
    return gateway.voidCharge(charge.chargeId(), traceparent)
        .compose(v -> bridge.publish(Envelope.of(new Event.PaymentVoided(orderId, charge.chargeId(), charge.amountCents(), charge.currency()),
            Instant.now(), trigger.cause())))
        .onSuccess(ack -> trigger.withLogContext(() -> LOG.warn("order {}: charge {} voided ({})", orderId, charge.chargeId(), why)))
        .mapEmpty();
  }

  private Future<Optional<Charge>> chargeOf(String orderId, Optional<StoredEvent> record, String traceparent) {
    if (record.isPresent() && record.get().ok() && record.get().envelope().data() instanceof Event.PaymentAuthorized a) {
      return Future.succeededFuture(Optional.of(new Charge(a.chargeId(), a.amountCents(), a.currency())));
    }
    if (record.isPresent() && record.get().ok()) return Future.succeededFuture(Optional.empty()); // declined: nothing charged
    // No decision recorded: a charge can exist only if stock was reserved (payments charges reserved orders
    // only), and then it may have happened while its record was lost. The amount is the reserved total.
    return bridge.lastEvent(Topology.INVENTORY, Subjects.INVENTORY_RESERVED + "." + orderId).compose(stock -> {
      if (stock.isEmpty() || !stock.get().ok() || !(stock.get().envelope().data() instanceof Event.StockReserved r)) {
        return Future.succeededFuture(Optional.<Charge>empty());
      }
      return gateway.lookup(orderId, traceparent).map(found -> found.isPresent() && found.get() instanceof ChargeResult.Authorized a
          ? Optional.of(new Charge(a.chargeId(), r.totalCents(), r.currency())) : Optional.<Charge>empty());
    });
  }
}
