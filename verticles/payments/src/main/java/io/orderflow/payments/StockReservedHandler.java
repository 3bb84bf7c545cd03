package io.orderflow.payments;

import io.nats.client.PublishOptions;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.domain.ChargeRequest;
import io.orderflow.payments.domain.PaymentDecision;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.HandOffs;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges a reserved order once and publishes the decision. Idempotency is folded into the service's own
 * state: the PAYMENTS stream's event for the order is its payment record, looked up (on the stream leader)
 * before charging, so a redelivered or duplicated StockReserved never reaches the gateway again. Between the
 * charge and the publish (a crash, a failed publish) the redelivery first asks the gateway for the charge
 * made under the order's key and charges only if there is none, so not even a gateway that lost its
 * idempotency cache charges twice. An order that already ended or whose charge was voided is never charged,
 * and a charge stored after its order ended CANCELLED is voided at once ({@link ChargeVoiding}).
 * The token comes from its hand-off (the PAYMENT_TOKENS stream, the subject naming the request's fingerprint): a token the gateway refuses as malformed or unknown
 * declines the order ({@code invalid_payment}: CANCELLED / PAYMENT_INVALID), a token whose hand-off expired
 * declines it ({@code token_expired}) unless the gateway already charged under the order's key. A gateway
 * outage is not the message's fault: it waits in the stream (RetryLater).
 */
final class StockReservedHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StockReservedHandler.class);

  private final JetStreamBridge bridge;
  private final GatewayBreaker gateway;
  private final ChargeVoiding voiding;
  private final PaymentMetrics metrics;
  private final HandOffs handOffs;

  StockReservedHandler(JetStreamBridge bridge, GatewayBreaker gateway, ChargeVoiding voiding, PaymentMetrics metrics) {
    this.bridge = bridge;
    this.handOffs = new HandOffs(bridge);
    this.gateway = gateway;
    this.voiding = voiding;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> handle(Delivery delivery) {
    Envelope trigger = delivery.event();
    if (!(trigger.data() instanceof Event.StockReserved reserved)) {
      LOG.warn("ignoring {} {}: payments reacts to StockReserved only", trigger.type(), trigger.id());
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    String orderId = reserved.orderId();
    var record = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + orderId);
    var voided = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + orderId);
    var ended = bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_ENDED + "." + orderId);
    return Future.all(record, voided, ended).compose(all -> {
      if (decided(record.result(), reserved, delivery)) {
        // Charged before, and the check after that charge may not have run (a crash): run it now.
        return voidIfCancelled(record.result().get().envelope().data(), ended.result(), delivery)
            .map(PaymentMetrics.Status.SKIPPED);
      }
      if (voided.result().isPresent() || ended.result().isPresent()) {
        delivery.withLogContext(() -> LOG.info("order {}: already ended, not charging", orderId));
        if (voided.result().isPresent() || !cancelled(ended.result())) return Future.succeededFuture(PaymentMetrics.Status.SKIPPED);
        // A charge may have landed after the cancellation's look (a slow call whose instance died before
        // recording it): ask the gateway by the order's key and take it back.
        return voiding.voidAnyCharge(orderId, delivery, "charged before its order was cancelled, never recorded")
            .map(PaymentMetrics.Status.SKIPPED);
      }
      return decide(reserved, delivery).compose(outcome -> publish(outcome, delivery));
    }).transform(ar -> {
      if (ar.succeeded()) {
        metrics.record(ar.result(), started);
        return Future.<Void>succeededFuture();
      }
      boolean outage = GatewayBreaker.isOutage(ar.cause());
      metrics.record(outage ? PaymentMetrics.Status.DEFERRED : PaymentMetrics.Status.FAILED, started);
      return outage
          ? Future.<Void>failedFuture(new EventHandler.RetryLater("payment gateway unavailable: " + ar.cause().getMessage(), gateway.retryDelayMillis()))
          : Future.<Void>failedFuture(ar.cause());
    });
  }

  private static boolean decided(Optional<StoredEvent> record, Event.StockReserved reserved, Delivery delivery) {
    if (record.isEmpty()) return false;
    if (!record.get().ok()) {
      // Never charge over a record we cannot read: fail, and let retries end in the DLQ for an operator.
      throw new IllegalStateException("payment record of order " + reserved.orderId() + " at sequence "
          + record.get().sequence() + " is unreadable: " + record.get().decoded());
    }
    Envelope stored = record.get().envelope();
    boolean decided = PaymentDecision.decides(stored.data());
    if (decided) delivery.withLogContext(() -> LOG.info("order {}: payment already decided by event {} ({}), not charging again",
        reserved.orderId(), stored.id(), stored.type()));
    return decided;
  }

  private Future<Event> decide(Event.StockReserved reserved, Delivery delivery) {
    String traceparent = delivery.event().traceparent();
    return handOffs.paymentToken(reserved.orderId(), reserved.requestHash()).compose(handOff -> {
      Optional<String> token = handOff.map(bytes -> new String(bytes, StandardCharsets.UTF_8)).filter(t -> !t.isBlank());
      if (token.isEmpty()) {
        // The hand-off expired (an outage longer than its TTL) or was erased. An earlier attempt may have
        // charged before it did: ask the gateway before ending the order, so a charged order is never cancelled.
        return gateway.lookup(reserved.orderId(), traceparent).map(found -> found.map(result -> PaymentDecision.outcome(reserved, result))
            .orElseGet(() -> {
              delivery.withLogContext(() -> LOG.warn("order {}: payment token hand-off expired and no charge made, ending the order",
                  reserved.orderId()));
              return PaymentDecision.tokenExpired(reserved);
            }));
      }
      ChargeRequest request = ChargeRequest.forReservation(reserved, token.get());
      return gateway.charge(request, delivery.seenBefore(), traceparent).map(result -> PaymentDecision.outcome(reserved, result));
    });
  }

  /**
   * Stores the decision, once: only on an empty decision subject, so two instances deciding at once (a slow
   * call redelivered to another) cannot both record, and the order sees one decision.
   */
  private Future<PaymentMetrics.Status> publish(Event outcome, Delivery trigger) {
    Envelope event = Envelope.of(outcome, Instant.now(), trigger.cause());
    return bridge.publish(event, PublishOptions.builder().expectedLastSubjectSequence(0))
        .<PaymentMetrics.Status>compose(ack -> {
          trigger.withLogContext(() -> LOG.info("order {}: {} (event {})", event.subject(), describe(outcome), event.id()));
          return outcome instanceof Event.PaymentAuthorized
              // The order may have been cancelled while the gateway worked (a slow call, a second instance):
              // now that the charge is stored, look; the cancellation's consumer looks the other way.
              ? checkEndAfterCharge(outcome, trigger).map(PaymentMetrics.Status.AUTHORIZED)
              : Future.succeededFuture(PaymentMetrics.Status.DECLINED);
        }, e -> JetStreamBridge.isWrongLastSequence(e) || JetStreamBridge.isDuplicateInFlight(e)
            ? settleAgainstStored(outcome, trigger)
            : Future.failedFuture(e));
  }

  private Future<Void> checkEndAfterCharge(Event charged, Delivery trigger) {
    return bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_ENDED + "." + charged.subject())
        .compose(ended -> voidIfCancelled(charged, ended, trigger));
  }

  /**
   * Another decision was stored first (another instance decided meanwhile). The stored one stands: if it is
   * this very decision, nothing differs; if it declined while this call charged, the order will be cancelled,
   * so this charge is taken back at once.
   */
  private Future<PaymentMetrics.Status> settleAgainstStored(Event mine, Delivery trigger) {
    String orderId = mine.subject();
    return bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + orderId).compose(stored -> {
      if (stored.isEmpty() || !stored.get().ok()) {
        return Future.failedFuture(new EventHandler.RetryLater("a payment decision of order " + orderId + " is being stored", 100));
      }
      Event decided = stored.get().envelope().data();
      if (decided.equals(mine)) {
        return mine instanceof Event.PaymentAuthorized
            ? checkEndAfterCharge(mine, trigger).map(PaymentMetrics.Status.AUTHORIZED) : Future.succeededFuture(PaymentMetrics.Status.DECLINED);
      }
      if (mine instanceof Event.PaymentAuthorized a && decided instanceof Event.PaymentDeclined) {
        return voiding.voidCharge(orderId, new ChargeVoiding.Charge(a.chargeId(), a.amountCents(), a.currency()), trigger,
            "charged after another instance declined the order").map(PaymentMetrics.Status.SKIPPED);
      }
      trigger.withLogContext(() -> LOG.info("order {}: payment already decided by event {}, not recording {}", orderId,
          stored.get().envelope().id(), describe(mine)));
      return Future.succeededFuture(PaymentMetrics.Status.SKIPPED);
    });
  }

  private static boolean cancelled(Optional<StoredEvent> ended) {
    return ended.isPresent() && ended.get().ok() && ended.get().envelope().data() instanceof Event.OrderCancelled;
  }

  /** A charge whose order ended CANCELLED is taken back. */
  private Future<Void> voidIfCancelled(Event payment, Optional<StoredEvent> ended, Delivery trigger) {
    if (!(payment instanceof Event.PaymentAuthorized a) || ended.isEmpty() || !ended.get().ok()
        || !(ended.get().envelope().data() instanceof Event.OrderCancelled cancelled)) {
      return Future.succeededFuture();
    }
    return voiding.voidAnyCharge(a.orderId(), trigger, "charged after the order was cancelled: " + cancelled.reason());
  }

  private static String describe(Event outcome) {
    return switch (outcome) {
      case Event.PaymentAuthorized a -> "authorized " + a.amountCents() + " " + a.currency() + " as " + a.chargeId();
      case Event.PaymentDeclined d -> "declined " + d.amountCents() + " " + d.currency() + " (" + d.declineCode() + ")";
      default -> outcome.toString();
    };
  }
}
