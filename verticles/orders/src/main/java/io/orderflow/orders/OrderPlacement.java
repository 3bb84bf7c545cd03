package io.orderflow.orders;

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
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts an order: prices it from the catalog, hands the token to payments and the email to
 * notifications (short-lived buckets only they read), publishes OrderPlaced and waits for the broker's ack.
 * Idempotency costs no extra write: a keyed order's id is derived from (customer, key), OrderPlaced carries
 * the request's fingerprint, and a retry finds the stored event by its subject.
 */
final class OrderPlacement {
  record Accepted(String orderId, boolean replay) {}

  private final JetStreamBridge bridge;
  private final OrderProjection projection;
  private final Duration idempotencyTtl;
  private final OrderMetrics metrics;

  OrderPlacement(JetStreamBridge bridge, OrderProjection projection, Duration idempotencyTtl, OrderMetrics metrics) {
    this.bridge = bridge;
    this.projection = projection;
    this.idempotencyTtl = idempotencyTtl;
    this.metrics = metrics;
  }

  Future<Accepted> place(PlaceOrder request, String idempotencyKey, String traceparent) {
    String fingerprint = request.fingerprint();
    if (idempotencyKey == null) return accept(Ids.newOrderId(), false, request, fingerprint, traceparent);
    String orderId = Ids.orderIdForIdempotencyKey(request.customerId(), idempotencyKey);
    return placedEvent(orderId).compose(existing -> existing.isPresent()
        ? Future.succeededFuture(replay(existing.get(), fingerprint))
        : accept(orderId, true, request, fingerprint, traceparent));
  }

  /**
   * Hands a secret to the one service that reads it. A keyed order writes it only if absent, so a
   * concurrent request reusing the key with another body cannot swap the token of the first.
   */
  private Future<Long> handOff(Topology.BucketSpec bucket, String orderId, String value, boolean keyed) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (!keyed) return bridge.kvPut(bucket, orderId, bytes);
    return bridge.kvPutIfAbsent(bucket, orderId, bytes).recover(e -> !JetStreamBridge.isWrongLastSequence(e)
        ? Future.failedFuture(e)
        : bridge.kvGet(bucket, orderId).compose(existing -> existing.isPresent() && java.util.Arrays.equals(existing.get().value(), bytes)
            ? Future.succeededFuture(existing.get().revision())
            : Future.failedFuture(Problem.of(409, "Conflict", "another request with this Idempotency-Key is in flight").failure())));
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
      return Future.all(
              handOff(Topology.PAYMENT_TOKENS, orderId, request.paymentToken(), keyed),
              handOff(Topology.CONTACTS, orderId, request.email(), keyed))
          .compose(v -> bridge.publish(event))
          .compose(ack -> {
            Failpoint.AFTER_PUBLISH_ACK.hit();
            return ack.isDuplicate() ? concurrentTwin(orderId, fingerprint) : recordPending(placed, now, ack);
          });
    });
  }

  /** Same key, request still in flight elsewhere: the broker kept the first; answer like a replay of it. */
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
    List<String> skus = items.stream().map(PlaceOrder.Item::sku).distinct().toList();
    List<Future<Optional<io.orderflow.runtime.messaging.KvEntry>>> reads = new ArrayList<>();
    for (String sku : skus) reads.add(bridge.kvGet(Topology.CATALOG, sku));
    return Future.all(reads).map(all -> {
      Map<String, Pricing.CatalogPrice> prices = new HashMap<>();
      for (int i = 0; i < skus.size(); i++) {
        reads.get(i).result().ifPresent(kv -> {
          JsonObject j = new JsonObject(io.vertx.core.buffer.Buffer.buffer(kv.value()));
          prices.put(j.getString("sku"), new Pricing.CatalogPrice(j.getLong("priceCents"), j.getString("currency"), j.getBoolean("active", true)));
        });
      }
      return prices;
    });
  }
}
