package io.orderflow.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Exponential backoff with jitter, capped: the delay before a failed message is delivered again, or before
 * something that must run (a pull, a consumer) is tried again.
 */
public record Backoff(Duration base, Duration max) {
  /** Between attempts to start something that must run while the broker is out or electing a leader. */
  public static final Backoff STARTS = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

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

  /**
   * Tries {@code attempt} until it succeeds, waiting {@link #after} between failures (each reported to
   * {@code failed} with the coming delay), for as long as {@code carryOn} holds. Completes with true once an
   * attempt succeeded, false when it stopped because {@code carryOn} no longer held. Timers run on the
   * caller's context.
   */
  public Future<Boolean> retry(Vertx vertx, Supplier<Future<?>> attempt, BooleanSupplier carryOn, BiConsumer<Throwable, Duration> failed) {
    Promise<Boolean> done = Promise.promise();
    retry(vertx, attempt, carryOn, failed, 1, done);
    return done.future();
  }

  private void retry(Vertx vertx, Supplier<Future<?>> attempt, BooleanSupplier carryOn, BiConsumer<Throwable, Duration> failed,
                     long n, Promise<Boolean> done) {
    if (!carryOn.getAsBoolean()) {
      done.complete(false);
      return;
    }
    attempt.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(true);
        return;
      }
      Duration delay = after(n);
      failed.accept(ar.cause(), delay);
      vertx.setTimer(Math.max(1, delay.toMillis()), id -> retry(vertx, attempt, carryOn, failed, n + 1, done));
    });
  }
}
