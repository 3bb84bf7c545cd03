package io.orderflow.pspsim.domain;

/**
 * What {@code POST /admin/faults} asked for. Every setting but the mode has a default, so a setting always
 * replaces the previous one as a whole.
 *
 * @param latencyMs how long {@link FaultMode#SLOW} waits before answering
 * @param errorRate the share of requests {@link FaultMode#FLAKY} refuses, from 0 to 1
 * @param seed seeds the random sequence that picks the requests {@link FaultMode#FLAKY} refuses
 * @param idempotency {@code false} makes charges ignore their Idempotency-Key, like a gateway that lost its cache
 */
public record FaultSettings(FaultMode mode, long latencyMs, double errorRate, long seed, boolean idempotency) {

  public static final long DEFAULT_LATENCY_MS = 2_000;
  public static final long MAX_LATENCY_MS = 3_600_000;
  public static final double DEFAULT_ERROR_RATE = 0.3;
  public static final long DEFAULT_SEED = 42;
  public static final boolean DEFAULT_IDEMPOTENCY = true;

  /** A gateway behaving normally. */
  public static final FaultSettings NONE = new FaultSettings(FaultMode.OK, DEFAULT_LATENCY_MS, DEFAULT_ERROR_RATE,
      DEFAULT_SEED, DEFAULT_IDEMPOTENCY);

  public FaultSettings {
    if (mode == null) {
      throw new InvalidFaultSettings("mode", "mode is required: one of " + FaultMode.knownCodes());
    }
    if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
      throw new InvalidFaultSettings("latencyMs", "latencyMs must be an integer from 0 to " + MAX_LATENCY_MS);
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new InvalidFaultSettings("errorRate", "errorRate must be a number from 0 to 1");
    }
  }

  /** Validates raw settings; {@code null} for an optional one means its default. */
  public static FaultSettings of(String mode, Long latencyMs, Double errorRate, Long seed, Boolean idempotency) {
    FaultMode faultMode = mode == null ? null : FaultMode.byCode(mode).orElseThrow(() ->
        new InvalidFaultSettings("mode", "mode must be one of " + FaultMode.knownCodes()));
    return new FaultSettings(faultMode,
        latencyMs == null ? DEFAULT_LATENCY_MS : latencyMs,
        errorRate == null ? DEFAULT_ERROR_RATE : errorRate,
        seed == null ? DEFAULT_SEED : seed,
        idempotency == null ? DEFAULT_IDEMPOTENCY : idempotency);
  }
}
