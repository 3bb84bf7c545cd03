package io.orderflow.runtime.messaging;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one watchdog of everything that subscribes: jnats' {@code consume()} and ordered consumers can stay
 * idle after a failed re-subscribe or the loss of the node serving them. When nothing arrived for
 * {@code quiet} while the subscriber was idle, it asks {@code stalled} (does the broker hold work for it?)
 * and, if so, calls {@code restart}. Runs on the owner's context; {@link #touch()} on every arrival.
 */
final class StallWatchdog {
  private final Vertx vertx;
  private final Duration quiet;
  private final BooleanSupplier idle;
  private final Supplier<Future<Boolean>> stalled;
  private final Runnable restart;
  private long lastArrival = System.currentTimeMillis();
  private long timer = -1;
  private boolean probing;

  /**
   * @param idle true when the owner is running and has nothing in flight (a busy owner is not stalled)
   * @param stalled asks the broker whether work is waiting for the owner (e.g. pending messages)
   */
  StallWatchdog(Vertx vertx, Duration quiet, BooleanSupplier idle, Supplier<Future<Boolean>> stalled, Runnable restart) {
    this.vertx = vertx;
    this.quiet = quiet;
    this.idle = idle;
    this.stalled = stalled;
    this.restart = restart;
  }

  void start() {
    lastArrival = System.currentTimeMillis();
    if (timer < 0) timer = vertx.setPeriodic(Math.max(500, quiet.toMillis()), id -> check());
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  /** Something arrived: the subscription is alive. */
  void touch() {
    lastArrival = System.currentTimeMillis();
  }

  long quietMillis() {
    return System.currentTimeMillis() - lastArrival;
  }

  private void check() {
    // Probes at most once a quiet period, and only after a whole quiet period without an arrival.
    if (probing || quietMillis() < quiet.toMillis() || !idle.getAsBoolean()) return;
    probing = true;
    stalled.get().onComplete(ar -> {
      probing = false;
      if (ar.succeeded() && ar.result() && quietMillis() >= quiet.toMillis() && idle.getAsBoolean()) {
        lastArrival = System.currentTimeMillis();
        restart.run();
      }
    });
  }
}
