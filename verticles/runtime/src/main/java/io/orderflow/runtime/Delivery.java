package io.orderflow.runtime;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;

/**
 * One decoded event handed to a handler, with its exact bytes and how often the broker has delivered it.
 * The event's {@code traceparent} is the span of this delivery's handling, so what the handler publishes
 * continues the trace.
 */
public record Delivery(Envelope event, byte[] raw, long deliveredCount, long streamSequence) {
  public boolean redelivered() {
    return deliveredCount > 1;
  }

  /** The cause an event made in reaction to this delivery names: this event, this handling's span, this delivery's number. */
  public Cause cause() {
    return event.asCause(deliveredCount);
  }
}
