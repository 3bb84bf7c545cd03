package io.orderflow.pspsim.domain;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Charges cards the way an idempotent payment gateway does: at most one charge attempt per idempotency key.
 * Every call runs to completion synchronously, so callers confined to one thread (one verticle instance)
 * can never charge a key twice. Not thread-safe.
 */
public final class ChargeProcessor {

  private final IdempotencyCache cache = new IdempotencyCache();
  private final Ledger ledger = new Ledger();
  private final Supplier<String> newChargeId;

  public ChargeProcessor() {
    this(ChargeProcessor::randomChargeId);
  }

  public ChargeProcessor(Supplier<String> newChargeId) {
    this.newChargeId = newChargeId;
  }

  public ChargeResult charge(String idempotencyKey, ChargeRequest request) {
    ledger.requestReceived(idempotencyKey);
    Optional<IdempotencyCache.Entry> earlier = cache.find(idempotencyKey);
    if (earlier.isPresent()) {
      if (!earlier.get().fingerprint().equals(request.fingerprint())) {
        return new ChargeResult.KeyReused(idempotencyKey);
      }
      ledger.replayed(idempotencyKey);
      return new ChargeResult.Replayed(earlier.get().charge());
    }
    Charge charge = new Charge(newChargeId.get(), idempotencyKey, request.amountCents(), request.currency(),
        request.token().declineCode());
    cache.remember(idempotencyKey, request.fingerprint(), charge);
    ledger.attempted(charge);
    return new ChargeResult.Attempted(charge);
  }

  /** The charge attempt made for a key, succeeded or declined. */
  public Optional<Charge> chargeFor(String idempotencyKey) {
    return cache.find(idempotencyKey).map(IdempotencyCache.Entry::charge);
  }

  public Ledger.Snapshot ledger() {
    return ledger.snapshot();
  }

  /** Forgets every key and charge. */
  public void reset() {
    cache.clear();
    ledger.clear();
  }

  private static String randomChargeId() {
    byte[] bytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "ch_" + HexFormat.of().formatHex(bytes);
  }
}
