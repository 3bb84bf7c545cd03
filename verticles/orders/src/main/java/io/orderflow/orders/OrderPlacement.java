package io.orderflow.orders;

import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.orders.domain.PlaceOrder;
import io.orderflow.orders.domain.Pricing;
import io.orderflow.runtime.Failpoint;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts an order: prices it from the catalog, hands the payment token to payments and the email to
 * notifications (short-lived messages in streams of their own, with a per-message TTL, never in an event),
 * then publishes OrderPlaced and waits for the broker's ack. The hand-offs' subjects carry the request's
 * fingerprint, which OrderPlaced (and the events that follow it) carries too: a token or an email can only
 * ever be read for the request that placed the order, a concurrent request reusing the key with another body
 * writes hand-offs nobody reads, and a request that failed before OrderPlaced was stored locks nothing (its
 * hand-offs simply expire), so a corrected retry with the same key is accepted.
 * Idempotency costs no extra write: a keyed order's id is derived from (customer, key), OrderPlaced is stored
 * only on an empty subject, and a retry finds it by its subject. Prices come from the in-memory {@link CatalogView}.
 */
final class OrderPlacement {
  record Accepted(String orderId, boolean replay) {}

  /**
   * How long the hand-offs live. The token must outlive the longest gateway outage orderflow rides out
   * (orders wait in JetStream meanwhile) plus the time the backlog takes to drain; a token that expires
   * anyway ends its order CANCELLED / PAYMENT_TOKEN_EXPIRED.
   */
  record HandOffTtls(Duration paymentToken, Duration contact) {
    static final Duration DEFAULT_PAYMENT_TOKEN = Duration.ofDays(4);
    static final Duration DEFAULT_CONTACT = Duration.ofDays(30);

    static HandOffTtls from(io.orderflow.runtime.Settings s) {
      var ttls = new HandOffTtls(s.duration("orders.payment-token-ttl", DEFAULT_PAYMENT_TOKEN), s.duration("orders.contact-ttl", DEFAULT_CONTACT));
      if (ttls.paymentToken().toSeconds() < 1) throw new IllegalArgumentException("setting orders.payment-token-ttl must be at least 1s");
      if (ttls.contact().toSeconds() < 1) throw new IllegalArgumentException("setting orders.contact-ttl must be at least 1s");
      return ttls;
    }
  }

  private final JetStreamBridge bridge;
  private final OrderProjection projection;
  private final Duration idempotencyTtl;
  private final HandOffTtls ttls;
  private final OrderMetrics metrics;
  private final CatalogView catalog;

  OrderPlacement(JetStreamBridge bridge, CatalogView catalog, OrderProjection projection, Duration idempotencyTtl, HandOffTtls ttls,
                 OrderMetrics metrics) {
    this.bridge = bridge;
    this.catalog = catalog;
    this.projection = projection;
    this.idempotencyTtl = idempotencyTtl;
    this.ttls = ttls;
    this.metrics = metrics;
  }

  Future<Accepted> place(PlaceOrder request, String idempotencyKey, String traceparent) {
    String fingerprint = request.fingerprint();
    if (idempotencyKey == null) return accept(Ids.newOrderId(), false, request, fingerprint, traceparent);
    // Read first: a retry must get its replay even if its SKUs changed since, and a retry or a key reused with
    // another body must store nothing (no hand-off renewed, no email kept for a refused request).
    String orderId = Ids.orderIdForIdempotencyKey(request.customerId(), idempotencyKey);
    return placedEvent(orderId).compose(existing -> existing.isPresent()
        ? Future.succeededFuture(replay(existing.get(), fingerprint))
        : accept(orderId, true, request, fingerprint, traceparent));
  }

  private Future<Accepted> accept(String orderId, boolean keyed, PlaceOrder request, String fingerprint, String traceparent) {
    return catalog(request.items()).compose(catalog -> {
      Pricing.Priced priced;
      try {
        priced = Pricing.price(request.items(), catalog);
      } catch (Pricing.Unpriceable e) {
        return Future.failedFuture(Problem.unprocessable(e.getMessage()).failure());
      }
      var placed = new Event.OrderPlaced(orderId, request.customerId(), priced.lines(), priced.totalCents(), priced.currency(), fingerprint);
      Instant now = Instant.now();
      Envelope event = Envelope.of(placed, now, Cause.trace(traceparent));
      // A keyed order is placed once, however late its twin: the subject must still be empty. (Its event id
      // also deduplicates within the broker's window.)
      PublishOptions.Builder options = keyed ? PublishOptions.builder().expectedLastSubjectSequence(0) : PublishOptions.builder();
      return Future.all(
              bridge.publishHandOff(new JetStreamBridge.HandOff(Subjects.handOff(Subjects.HANDOFF_PAYMENT_TOKEN, orderId, fingerprint),
                  utf8(request.paymentToken()), ttls.paymentToken())),
              bridge.publishHandOff(new JetStreamBridge.HandOff(Subjects.handOff(Subjects.HANDOFF_CONTACT, orderId, fingerprint),
                  utf8(request.email()), ttls.contact())))
          .compose(v -> bridge.publish(event, options))
          .compose(ack -> {
            Failpoint.AFTER_PUBLISH_ACK.hit();
            return ack.isDuplicate() ? concurrentTwin(orderId, fingerprint) : recordPending(placed, now, ack);
          }, e -> keyed && (JetStreamBridge.isWrongLastSequence(e) || JetStreamBridge.isDuplicateInFlight(e))
              ? concurrentTwin(orderId, fingerprint)
              : Future.failedFuture(e));
    });
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Same key, the order is stored already (a concurrent twin or an earlier attempt): answer like a replay of it. */
  private Future<Accepted> concurrentTwin(String orderId, String fingerprint) {
    return placedEvent(orderId).map(e -> replay(e.orElseThrow(() -> Problem.of(409, "Conflict",
        "a request with this Idempotency-Key is still in flight; retry").failure()), fingerprint));
  }

  private Future<Accepted> recordPending(Event.OrderPlaced placed, Instant at, PublishAck ack) {
    metrics.placed();
    // The projection write is for listings; GET /orders/{id} reads the stream, so a failed write loses nothing.
    return projection.putPendingIfAbsent(OrderView.placed(placed, at))
        .transform(ar -> Future.succeededFuture(new Accepted(placed.orderId(), false)));
  }

  private Accepted replay(StoredEvent stored, String fingerprint) {
    if (!stored.ok() || !(stored.envelope().data() instanceof Event.OrderPlaced placed)) {
      throw Problem.of(500, "Internal Server Error", "stored order is unreadable").failure();
    }
    if (stored.envelope().time().plus(idempotencyTtl).isBefore(Instant.now())) {
      throw Problem.unprocessable("this Idempotency-Key expired; use a new key for a new order").failure();
    }
    if (!placed.requestHash().equals(fingerprint)) {
      throw Problem.unprocessable("this Idempotency-Key was used for a different request").failure();
    }
    return new Accepted(placed.orderId(), true);
  }

  private Future<Optional<StoredEvent>> placedEvent(String orderId) {
    return bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_PLACED + "." + orderId);
  }

  private Future<Map<String, Pricing.CatalogPrice>> catalog(List<PlaceOrder.Item> items) {
    return catalog.prices(items.stream().map(PlaceOrder.Item::sku).distinct().toList());
  }
}
