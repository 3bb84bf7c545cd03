package io.orderflow.runtime.messaging;

import io.vertx.core.Future;

/**
 * Handles one event. Success acks the message; a {@link RetryLater} failure NAKs it with that delay
 * without counting against dead-lettering (an outage is not the message's fault); any other failure is
 * retried with backoff and dead-lettered after the configured attempts. Handlers must be idempotent:
 * a redelivered or duplicated event must not repeat its effect.
 */
@FunctionalInterface
public interface EventHandler {
  Future<Void> handle(Delivery delivery);

  /** Fails a handler so that the message comes back after {@code delayMillis}. */
  final class RetryLater extends RuntimeException {
    private final long delayMillis;

    public RetryLater(String reason, long delayMillis) {
      super(reason, null, false, false);
      this.delayMillis = delayMillis;
    }

    public long delayMillis() {
      return delayMillis;
    }
  }
}
