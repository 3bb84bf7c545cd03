package io.orderflow.pspsim.domain;

/** What the gateway does with one request under the current {@link FaultPolicy}. */
public sealed interface FaultDecision {

  /** Do the work and answer, after {@code delayMs} (0: at once). */
  record Respond(long delayMs) implements FaultDecision {}

  /** Do nothing and answer 503, as a gateway that is down does. */
  record Refuse() implements FaultDecision {}

  /** Do the work, then never answer: the client cannot tell whether it happened. */
  record Withhold() implements FaultDecision {}
}
