package io.orderflow.orders;

import io.nats.client.PublishOptions;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * Ends an order once, for every path that may end it (the saga's events, a dead letter). The order's ended
 * subject is the dedupe: the outcome is published only while that subject is empty, so two deciders racing
 * on one order store one terminal event; the loser, like every later event, only refreshes the projection.
 */
final class OrderEnding {
  /**
   * What the ORDERS stream holds about an order: its OrderPlaced and its ended event (null when there is
   * none), and the stream sequence of the last message on its ended subject (0 when there is none).
   */
  record Order(Envelope placedEvent, Event.OrderPlaced placed, Envelope ended, long endedSequence) {
    boolean exists() {
      return placed != null;
    }

    boolean hasEnded() {
      return ended != null;
    }
  }

  private final JetStreamBridge bridge;
  private final OrderProjection projection;
  private final OrderMetrics metrics;

  OrderEnding(JetStreamBridge bridge, OrderProjection projection, OrderMetrics metrics) {
    this.bridge = bridge;
    this.projection = projection;
    this.metrics = metrics;
  }

  Future<Order> load(String orderId) {
    var placedAt = bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_PLACED + "." + orderId);
    var endedAt = bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_ENDED + "." + orderId);
    return Future.all(placedAt, endedAt).map(both -> order(placedAt.result(), endedAt.result()));
  }

  private static Order order(Optional<StoredEvent> placedAt, Optional<StoredEvent> ended) {
    Optional<Envelope> placed = placedAt.filter(StoredEvent::ok).map(StoredEvent::envelope);
    Event.OrderPlaced order = placed.map(Envelope::data).filter(Event.OrderPlaced.class::isInstance)
        .map(Event.OrderPlaced.class::cast).orElse(null);
    return new Order(order == null ? null : placed.get(), order,
        ended.filter(StoredEvent::ok).map(StoredEvent::envelope).orElse(null), ended.map(StoredEvent::sequence).orElse(0L));
  }

  /**
   * The order's OrderPlaced only, as if it had not ended: {@link #end} then publishes expecting an empty ended
   * subject, and if the order did end (or a non-event sits there) that publish fails and {@link #settle} reads it.
   */
  Future<Order> placedOnly(String orderId) {
    return bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_PLACED + "." + orderId).map(placed -> order(placed, Optional.empty()));
  }

  /**
   * Publishes {@code outcome} (an OrderConfirmed or OrderCancelled, or null for none) unless the order
   * already ended, then writes the projection from whatever ended it. Only for an order that exists.
   */
  Future<Void> end(Order order, Event outcome, Cause cause) {
    OrderView view = OrderView.placed(order.placed(), order.placedEvent().time());
    if (order.hasEnded()) return projection.put(view.ended(order.ended().data(), order.ended().time())).mapEmpty();
    if (outcome == null) return Future.succeededFuture();
    Envelope out = Envelope.of(outcome, Instant.now(), cause);
    // Expect the ended subject as read (empty, or holding only a message that is no event; on a first delivery
    // it is assumed empty, not read, and a publish refused for that is settled by reading it): a competing
    // outcome stored meanwhile fails this publish; a retry of this very publish is deduplicated by its id first.
    return bridge.publish(out, PublishOptions.builder().expectedLastSubjectSequence(order.endedSequence()))
        .compose(ack -> {
              // Event ids are per order and type: a duplicate may be another decider's cancellation (another
              // reason, another time). Project what is stored, not what this decider wanted.
              if (ack.isDuplicate()) return settle(order);
              metrics.ended(outcome, order.placedEvent().time(), out.time());
              return projection.put(view.ended(outcome, out.time())).mapEmpty();
            },
            e -> JetStreamBridge.isWrongLastSequence(e) || JetStreamBridge.isDuplicateInFlight(e) ? settle(order) : Future.failedFuture(e));
  }

  /**
   * Another outcome was stored, or is being stored: on a cluster the leader refuses a publish while another
   * one to the same subject (wrong last sequence) or with the same id (duplicate in process) is in flight,
   * before that one can be read. Project the stored one, or come back once it can be read.
   */
  private Future<Void> settle(Order order) {
    String orderId = order.placed().orderId();
    return load(orderId).compose(now -> now.hasEnded() ? end(now, null, Cause.NONE)
        : Future.failedFuture(new EventHandler.RetryLater("an outcome of order " + orderId + " is being stored", 100)));
  }
}
