package io.orderflow.pspsim.domain;

/** What {@link ChargeProcessor#charge} did with a request. */
public sealed interface ChargeResult {

  /** A new charge attempt was made (it may still have been declined). */
  record Attempted(Charge charge) implements ChargeResult {}

  /** The key was seen before with the same parameters: the earlier charge, not a new one. */
  record Replayed(Charge charge) implements ChargeResult {}

  /** The key was seen before with different parameters: nothing was charged. */
  record KeyReused(String idempotencyKey) implements ChargeResult {}
}
