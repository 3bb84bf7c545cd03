package io.orderflow.runtime;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, capped: the delay before a failed message is delivered again. */
public record Backoff(Duration base, Duration max) {
  public Backoff {
    if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("backoff base must be positive");
    if (max.compareTo(base) < 0) throw new IllegalArgumentException("backoff max must not be below its base");
  }

  /** The delay after the {@code attempt}-th failure (1-based): half fixed, half random, so retries spread out. */
  public Duration after(long attempt) {
    long exponential = base.toMillis() << Math.min(Math.max(attempt, 1) - 1, 16);
    long capped = Math.min(exponential, max.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
