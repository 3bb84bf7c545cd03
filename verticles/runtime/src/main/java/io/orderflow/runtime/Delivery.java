package io.orderflow.runtime;

import io.orderflow.codecs.Envelope;

/** One decoded event handed to a handler, with its exact bytes and how often the broker has delivered it. */
public record Delivery(Envelope event, byte[] raw, long deliveredCount, long streamSequence) {
  public boolean redelivered() {
    return deliveredCount > 1;
  }
}
