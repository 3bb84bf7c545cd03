package io.orderflow.codecs;

/** Why a message is not a valid event. Never thrown: decoding returns it, and the consumer dead-letters it. */
public record DecodeError(Kind kind, String detail) {
  public enum Kind {
    /** Not JSON, or not a JSON object. */
    MALFORMED,
    /** A well-formed CloudEvent of a type this contract does not know. */
    UNKNOWN_TYPE,
    /** A known type whose attributes or data break the contract (missing field, bad id, wrong total…). */
    INVALID
  }
}
