package io.orderflow.runtime.messaging;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.runtime.telemetry.LogContext;

/**
 * One decoded event handed to a handler, with its exact bytes and how often the broker has delivered it.
 * The event's {@code traceparent} is the span of this delivery's handling, so what the handler publishes
 * continues the trace.
 *
 * @param replayed the DLQ admin sent it back (a replay consumer's delivery), possibly long after its order ended
 */
public record Delivery(Envelope event, byte[] raw, long deliveredCount, long streamSequence, boolean replayed) {
  public Delivery(Envelope event, byte[] raw, long deliveredCount, long streamSequence) {
    this(event, raw, deliveredCount, streamSequence, false);
  }

  public boolean redelivered() {
    return deliveredCount > 1;
  }

  /** Not the first time this event is handled here: redelivered, or replayed from the DLQ. */
  public boolean seenBefore() {
    return redelivered() || replayed;
  }

  /**
   * Writes a log line with this delivery's order id, event id and trace in the MDC. A handler's callbacks
   * run on other threads than the runner's, where the delivery's log context is not set.
   */
  public void withLogContext(Runnable line) {
    LogContext.of(event).around(line);
  }

  /** The cause an event made in reaction to this delivery names: this event, this handling's span, this delivery's number. */
  public Cause cause() {
    return event.asCause(deliveredCount);
  }
}
