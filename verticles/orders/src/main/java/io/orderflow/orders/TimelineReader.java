package io.orderflow.orders;

import io.nats.client.api.ConsumerInfo;
import io.orderflow.codecs.EventType;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderTimeline;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.telemetry.Tracing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /orders/{id}/timeline}: each step of one order (event, service, time, time since the previous
 * step, the delivery it was made on) and, for a step still outstanding, where its trigger sits in the
 * consumer that must act: queued (not delivered yet), delivered (being handled, or put back to wait for
 * redelivery) or acknowledged. A payment step waiting also shows the gateway breaker's last transition.
 * Consumer positions are broker metadata, not another service's state.
 */
final class TimelineReader {
  private final JetStreamBridge bridge;
  private final OrderReader reader;

  TimelineReader(JetStreamBridge bridge, OrderReader reader) {
    this.bridge = bridge;
    this.reader = reader;
  }

  Future<Optional<JsonObject>> timeline(String orderId) {
    return reader.located(orderId).compose(located -> {
      var timeline = OrderTimeline.of(located.stream().map(OrderReader.Located::event).toList());
      if (timeline.isEmpty()) return Future.succeededFuture(Optional.empty());
      Map<String, OrderReader.Located> byId = located.stream().collect(Collectors.toMap(l -> l.event().id(), Function.identity()));
      List<Future<JsonObject>> waiting = new ArrayList<>();
      for (var expected : timeline.get().expected()) waiting.add(waiting(expected, byId.get(expected.after().id())));
      return Future.all(waiting).map(all -> Optional.of(render(orderId, timeline.get(), waiting)));
    });
  }

  private static JsonObject render(String orderId, OrderTimeline timeline, List<Future<JsonObject>> waiting) {
    var placed = timeline.steps().get(0).event();
    JsonArray steps = new JsonArray();
    int n = 0;
    for (var step : timeline.steps()) {
      var e = step.event();
      JsonObject s = new JsonObject().put("step", ++n).put("event", e.type().ceType()).put("service", e.type().service())
          .put("time", e.time().toString()).put("sincePreviousMs", step.sincePrevious().toMillis())
          .put("sincePlacedMs", step.sincePlaced().toMillis()).put("summary", step.summary()).put("eventId", e.id());
      if (e.deliveryAttempt() > 0) s.put("deliveryAttempts", e.deliveryAttempt());
      steps.add(s);
    }
    JsonObject body = new JsonObject().put("orderId", orderId);
    String traceId = Tracing.traceId(placed.traceparent());
    if (traceId != null) body.put("traceId", traceId);
    body.put("complete", timeline.complete()).put("steps", steps);
    JsonArray waits = new JsonArray();
    waiting.forEach(f -> waits.add(f.result()));
    return body.put("waitingFor", waits);
  }

  /** What an outstanding step waits on: the consumer, and where the trigger is in it. */
  private Future<JsonObject> waiting(OrderTimeline.Expected expected, OrderReader.Located trigger) {
    Topology.ConsumerSpec consumer = consumerOf(expected);
    Instant since = expected.after().time();
    JsonObject w = new JsonObject().put("service", expected.service()).put("action", expected.action())
        .put("after", expected.after().type().ceType()).put("since", since.toString())
        .put("waitingMs", Math.max(0, Duration.between(since, Instant.now()).toMillis()))
        .put("consumer", consumer.durable());
    Future<JsonObject> position = bridge.blocking(() -> bridge.management().getConsumerInfo(consumer.stream(), consumer.durable()))
        .map(info -> position(info, trigger))
        // The broker's own words stay in the log, not in an API answer.
        .recover(e -> Future.succeededFuture(new JsonObject().put("state", "unknown")));
    Future<Optional<StoredEvent>> breaker = consumer.equals(Topology.PAYMENTS_RESERVED)
        ? bridge.lastEvent(Topology.SYSTEM, Subjects.SYSTEM_BREAKER + ".psp").recover(e -> Future.succeededFuture(Optional.empty()))
        : Future.succeededFuture(Optional.empty());
    return Future.all(position, breaker).map(all -> {
      w.put("message", position.result());
      breaker.result().filter(StoredEvent::ok).ifPresent(b -> {
        if (b.envelope().data() instanceof io.orderflow.codecs.Event.BreakerChanged c) {
          w.put("breaker", new JsonObject().put("name", c.breaker()).put("state", c.state())
              .put("since", b.envelope().time().toString()));
        }
      });
      return w;
    });
  }

  private static JsonObject position(ConsumerInfo info, OrderReader.Located trigger) {
    long seq = trigger.sequence();
    String state = seq <= info.getAckFloor().getStreamSequence() ? "acknowledged"
        : seq <= info.getDelivered().getStreamSequence() ? "delivered" : "queued";
    return new JsonObject().put("stream", trigger.stream()).put("streamSequence", seq).put("state", state)
        .put("consumerPending", info.getNumPending()).put("consumerAckPending", info.getNumAckPending())
        .put("consumerRedelivered", info.getRedelivered());
  }

  /** The consumer through which {@code expected.service()} reacts to the event it waits on. */
  static Topology.ConsumerSpec consumerOf(OrderTimeline.Expected expected) {
    EventType after = expected.after().type();
    return switch (expected.service()) {
      case "inventory" -> Topology.INVENTORY_ORDERS;
      case "payments" -> after == EventType.STOCK_RESERVED ? Topology.PAYMENTS_RESERVED : Topology.PAYMENTS_ENDED;
      case "orders" -> after == EventType.STOCK_REJECTED ? Topology.ORDERS_REJECTED : Topology.ORDERS_PAYMENTS;
      case "notifications" -> Topology.NOTIFICATIONS_ENDED;
      default -> throw new IllegalArgumentException("no consumer of " + expected.service() + " for " + after);
    };
  }
}
