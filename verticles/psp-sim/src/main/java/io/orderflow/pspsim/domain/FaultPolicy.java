package io.orderflow.pspsim.domain;

import java.util.Random;

/**
 * Decides, request by request, how the gateway misbehaves under one {@link FaultSettings}. The requests
 * {@link FaultMode#FLAKY} refuses follow {@code new Random(seed)}, so a scenario replays the same sequence.
 * Not thread-safe: confined to the thread of its owner.
 */
public final class FaultPolicy {

  /** Whether a request changes the gateway's state (a charge, a void) or only reads it (a lookup). */
  public enum Operation { WRITE, READ }

  private static final FaultDecision.Respond AT_ONCE = new FaultDecision.Respond(0);

  private final FaultSettings settings;
  private final Random random;

  public FaultPolicy(FaultSettings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  public FaultSettings settings() {
    return settings;
  }

  /** {@code false} when charges must ignore their Idempotency-Key. */
  public boolean honoursIdempotencyKey() {
    return settings.idempotency();
  }

  /** Whether requests may be withheld: when a policy without this replaces one with it, held requests are let go. */
  public boolean withholds() {
    return settings.mode() == FaultMode.TIMEOUT_AFTER_CHARGE;
  }

  public FaultDecision decide(Operation operation) {
    return switch (settings.mode()) {
      case OK -> AT_ONCE;
      case DOWN -> new FaultDecision.Refuse();
      case SLOW -> new FaultDecision.Respond(settings.latencyMs());
      case FLAKY -> random.nextDouble() < settings.errorRate() ? new FaultDecision.Refuse() : AT_ONCE;
      // Lookups still answer: they are how a client resolves a charge whose answer it never got.
      case TIMEOUT_AFTER_CHARGE -> operation == Operation.WRITE ? new FaultDecision.Withhold() : AT_ONCE;
    };
  }
}
