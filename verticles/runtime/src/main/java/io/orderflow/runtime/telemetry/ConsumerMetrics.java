package io.orderflow.runtime.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * What one instance did with one consumer's messages: counters per outcome and the handling time. Counted
 * per instance (Prometheus sums instances); the backlog, a server-side figure, is {@link JetStreamGauges}'.
 * A dead-lettered delivery counts as failed too: {@code dead_lettered} is the part of {@code failed} given up on.
 */
public final class ConsumerMetrics {
  /** How a delivery was settled. */
  public enum Outcome {
    PROCESSED, DEFERRED, FAILED, DEAD_LETTERED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    String label() {
      return label;
    }
  }

  private final Counter processed;
  private final Counter failed;
  private final Counter deferred;
  private final Counter deadLettered;
  private final Counter redelivered;
  private final Timer handling;

  ConsumerMetrics(MeterRegistry registry, String consumer) {
    processed = counter(registry, "consumer.messages.processed", consumer, "Messages handled and acknowledged");
    failed = counter(registry, "consumer.messages.failed", consumer, "Deliveries whose handling failed (retried with backoff, or dead-lettered)");
    deferred = counter(registry, "consumer.messages.deferred", consumer, "Deliveries put back because a dependency was out (not counted as failures)");
    deadLettered = counter(registry, "consumer.messages.dead.lettered", consumer, "Messages moved to the DLQ");
    redelivered = counter(registry, "consumer.messages.redelivered", consumer, "Deliveries of a message delivered before");
    handling = Timer.builder("consumer.handling").tag("consumer", consumer)
        .description("Time from receiving a message to settling it (ack, nak or dead letter)")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10))
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String name, String consumer, String description) {
    return Counter.builder(name).tag("consumer", consumer).description(description).register(registry);
  }

  void received(long deliveredCount) {
    if (deliveredCount > 1) redelivered.increment();
  }

  void settled(Outcome outcome, long startedNanos) {
    handling.record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    switch (outcome) {
      case PROCESSED -> processed.increment();
      case DEFERRED -> deferred.increment();
      case FAILED -> failed.increment();
      case DEAD_LETTERED -> {
        failed.increment();
        deadLettered.increment();
      }
    }
  }
}
