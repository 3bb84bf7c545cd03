package io.orderflow.payments;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code payment_process_duration_seconds{status}}: how long handling one reserved order's payment took,
 * from its delivery to its decision stored (gateway calls, lookups and retries included), by how it ended.
 */
final class PaymentMetrics {
  /** How handling a reserved order's payment ended. */
  enum Status {
    /** Charged; PaymentAuthorized stored. */
    AUTHORIZED,
    /** Refused by the gateway (or no token); PaymentDeclined stored. */
    DECLINED,
    /** The gateway was out: the order waits in the stream and comes back. */
    DEFERRED,
    /** Failed otherwise; retried with backoff, then dead-lettered. */
    FAILED,
    /** Decided before (a redelivery or duplicate) or the order already ended: nothing done. */
    SKIPPED
  }

  private final Map<Status, Timer> timers = new EnumMap<>(Status.class);

  PaymentMetrics(MeterRegistry registry) {
    for (Status s : Status.values()) {
      timers.put(s, Timer.builder("payment.process.duration").tag("status", s.name().toLowerCase(Locale.ROOT))
          .description("Time to handle one reserved order's payment, from delivery to decision stored, by outcome")
          .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(30), Duration.ofMillis(100), Duration.ofMillis(300),
              Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30))
          .register(registry));
    }
  }

  void record(Status status, long startedNanos) {
    timers.get(status).record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
