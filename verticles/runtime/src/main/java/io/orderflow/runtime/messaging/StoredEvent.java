package io.orderflow.runtime.messaging;

import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;

/** An event read back from a stream, with its stream sequence. */
public record StoredEvent(long sequence, Decoded decoded) {
  public boolean ok() {
    return decoded instanceof Decoded.Ok;
  }

  /** The envelope; only for {@link #ok()} events. */
  public Envelope envelope() {
    return ((Decoded.Ok) decoded).envelope();
  }
}
