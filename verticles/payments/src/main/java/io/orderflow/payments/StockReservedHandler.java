package io.orderflow.payments;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.domain.ChargeRequest;
import io.orderflow.payments.domain.PaymentDecision;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.runtime.Delivery;
import io.orderflow.runtime.EventHandler;
import io.orderflow.runtime.JetStreamBridge;
import io.orderflow.runtime.StoredEvent;
import io.orderflow.runtime.Topology;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges a reserved order once and publishes the decision. Idempotency is folded into the service's own
 * state: the PAYMENTS stream's event for the order is its payment record, looked up before charging, so a
 * redelivered or duplicated StockReserved never reaches the gateway again. Between the charge and the
 * publish (a crash, a failed publish) the redelivery first asks the gateway for the charge made under the
 * order's key and charges only if there is none, so not even a gateway that lost its idempotency cache
 * charges twice. An order that already ended (cancelled after a dead letter) or whose charge was voided is
 * never charged. A gateway outage is not the message's fault: it waits in the stream (RetryLater).
 */
final class StockReservedHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StockReservedHandler.class);

  private final JetStreamBridge bridge;
  private final GatewayBreaker gateway;

  StockReservedHandler(JetStreamBridge bridge, GatewayBreaker gateway) {
    this.bridge = bridge;
    this.gateway = gateway;
  }

  @Override
  public Future<Void> handle(Delivery delivery) {
    Envelope trigger = delivery.event();
    if (!(trigger.data() instanceof Event.StockReserved reserved)) {
      LOG.warn("ignoring {} {}: payments reacts to StockReserved only", trigger.type(), trigger.id());
      return Future.succeededFuture();
    }
    String orderId = reserved.orderId();
    var record = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + orderId);
    var voided = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + orderId);
    var ended = bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_ENDED + "." + orderId);
    return Future.all(record, voided, ended).compose(all -> {
      if (decided(record.result(), reserved)) return Future.succeededFuture();
      if (voided.result().isPresent() || ended.result().isPresent()) {
        LOG.info("order {}: already ended, not charging", orderId);
        return Future.succeededFuture();
      }
      return decide(reserved, delivery.redelivered()).compose(outcome -> publish(outcome, trigger));
    }).recover(e -> GatewayBreaker.isOutage(e)
        ? Future.<Void>failedFuture(new EventHandler.RetryLater("payment gateway unavailable: " + e.getMessage(), gateway.retryDelayMillis()))
        : Future.failedFuture(e));
  }

  private static boolean decided(Optional<StoredEvent> record, Event.StockReserved reserved) {
    if (record.isEmpty()) return false;
    if (!record.get().ok()) {
      // Never charge over a record we cannot read: fail, and let retries end in the DLQ for an operator.
      throw new IllegalStateException("payment record of order " + reserved.orderId() + " at sequence "
          + record.get().sequence() + " is unreadable: " + record.get().decoded());
    }
    Envelope stored = record.get().envelope();
    boolean decided = PaymentDecision.decides(stored.data());
    if (decided) LOG.info("order {}: payment already decided by event {} ({}), not charging again",
        reserved.orderId(), stored.id(), stored.type());
    return decided;
  }

  private Future<Event> decide(Event.StockReserved reserved, boolean redelivered) {
    return bridge.kvGet(Topology.PAYMENT_TOKENS, reserved.orderId()).compose(entry -> {
      Optional<String> token = entry.map(e -> new String(e.value(), StandardCharsets.UTF_8)).filter(t -> !t.isBlank());
      if (token.isEmpty()) {
        // The token may be gone because an earlier attempt charged and then crashed before publishing:
        // ask the gateway before declining, so a charged order is never cancelled.
        return gateway.lookup(reserved.orderId()).map(found -> found.map(result -> PaymentDecision.outcome(reserved, result))
            .orElseGet(() -> {
              LOG.warn("order {}: no payment token (hand-off expired or erased) and no charge, declining", reserved.orderId());
              return PaymentDecision.tokenUnavailable(reserved);
            }));
      }
      ChargeRequest request = ChargeRequest.forReservation(reserved, token.get());
      return gateway.charge(request, redelivered).map(result -> PaymentDecision.outcome(reserved, result));
    });
  }

  private Future<Void> publish(Event outcome, Envelope trigger) {
    Envelope event = Envelope.of(outcome, Instant.now(), trigger.traceparent(), trigger.id());
    return bridge.publish(event)
        .onSuccess(ack -> LOG.info("order {}: {} (event {})", event.subject(), describe(outcome), event.id()))
        .mapEmpty();
  }

  private static String describe(Event outcome) {
    return switch (outcome) {
      case Event.PaymentAuthorized a -> "authorized " + a.amountCents() + " " + a.currency() + " as " + a.chargeId();
      case Event.PaymentDeclined d -> "declined " + d.amountCents() + " " + d.currency() + " (" + d.declineCode() + ")";
      default -> outcome.toString();
    };
  }
}
