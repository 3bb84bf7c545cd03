package io.orderflow.orders;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Orders' business metrics: {@code orders_placed_total}, {@code orders_ended_total{status,reason}} and
 * {@code order_completion_seconds{status}} (placed to terminal state). Counted where the event is stored for
 * the first time (a broker-deduplicated retry counts nothing), so the figures are per order, not per attempt.
 * Every status and reason is registered at start: "none ended yet" reads as 0, not as a missing series.
 */
final class OrderMetrics {
  static final String NO_REASON = "none";
  private static final Duration[] COMPLETION_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15)};

  private final Counter placed;
  private final Map<String, Counter> ended = new HashMap<>();
  private final Map<String, Timer> completion = new HashMap<>();

  OrderMetrics(MeterRegistry registry) {
    placed = Counter.builder("orders.placed").description("Orders accepted (OrderPlaced stored)").register(registry);
    ended("confirmed", NO_REASON, registry);
    for (CancelReason r : CancelReason.values()) ended("cancelled", r.name().toLowerCase(Locale.ROOT), registry);
    for (String status : new String[] {"confirmed", "cancelled"}) {
      completion.put(status, Timer.builder("order.completion").tag("status", status)
          .description("Time from an order's OrderPlaced to its terminal event")
          .serviceLevelObjectives(COMPLETION_BUCKETS).register(registry));
    }
  }

  private void ended(String status, String reason, MeterRegistry registry) {
    ended.put(status + "/" + reason, Counter.builder("orders.ended").tags("status", status, "reason", reason)
        .description("Orders that reached a terminal state, by state and cancellation reason").register(registry));
  }

  void placed() {
    placed.increment();
  }

  /** An order ended with {@code outcome} (OrderConfirmed or OrderCancelled) at {@code endedAt}. */
  void ended(Event outcome, Instant placedAt, Instant endedAt) {
    String status;
    String reason;
    switch (outcome) {
      case Event.OrderConfirmed c -> {
        status = "confirmed";
        reason = NO_REASON;
      }
      case Event.OrderCancelled c -> {
        status = "cancelled";
        reason = c.reason().name().toLowerCase(Locale.ROOT);
      }
      default -> {
        return;
      }
    }
    ended.get(status + "/" + reason).increment();
    Duration took = Duration.between(placedAt, endedAt);
    completion.get(status).record(took.isNegative() ? Duration.ZERO : took); // clocks of two hosts may disagree
  }
}
