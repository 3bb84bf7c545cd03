package io.orderflow.runtime.deadletter;

import io.vertx.core.Future;

/** Reacts to a dead letter (the DLQ is followed like any stream: {@link DeadLetterDeliveries}). */
@FunctionalInterface
public interface DeadLetterHandler {
  /** {@code traceparent}: this handling's span, in the trace of the message that failed; events made here continue it. */
  Future<Void> handle(DeadLetter letter, String traceparent);
}
