package io.orderflow.pspsim.domain;

/** What {@link ChargeProcessor#voidCharge} did with a request to void a charge. */
public sealed interface VoidResult {

  /** The charge was standing and is now voided. */
  record Voided(Charge charge) implements VoidResult {}

  /** The charge had been voided before: nothing changed. */
  record AlreadyVoided(Charge charge) implements VoidResult {}

  /** The charge was declined, so no money moved and there is nothing to void. */
  record NotCharged(Charge charge) implements VoidResult {}

  /** No charge has this id. */
  record UnknownCharge(String chargeId) implements VoidResult {}
}
