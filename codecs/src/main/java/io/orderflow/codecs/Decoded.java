package io.orderflow.codecs;

/** The outcome of decoding a message: an event, or a typed error. */
public sealed interface Decoded {
  record Ok(Envelope envelope) implements Decoded {}

  record Failed(DecodeError error) implements Decoded {}
}
