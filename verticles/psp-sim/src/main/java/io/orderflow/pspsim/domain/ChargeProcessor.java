package io.orderflow.pspsim.domain;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Charges cards the way an idempotent payment gateway does: at most one charge attempt per idempotency key
 * (unless asked to ignore keys, see {@link #chargeIgnoringKey}), and voids charges. Every call runs to
 * completion synchronously, so callers confined to one thread (one verticle instance) can never charge a key
 * twice. Not thread-safe.
 */
public final class ChargeProcessor {

  private final IdempotencyCache cache = new IdempotencyCache();
  private final Ledger ledger = new Ledger();
  private final Map<String, Charge> chargesById = new HashMap<>();
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
    Charge charge = attempt(idempotencyKey, request);
    cache.remember(idempotencyKey, request.fingerprint(), charge);
    return new ChargeResult.Attempted(charge);
  }

  /**
   * Charges anew whatever the key has seen, like a gateway that lost its idempotency cache; the ledger still
   * files the charge under its key, so a double charge shows there.
   */
  public ChargeResult chargeIgnoringKey(String idempotencyKey, ChargeRequest request) {
    ledger.requestReceived(idempotencyKey);
    Charge charge = attempt(idempotencyKey, request);
    cache.rememberRepeat(idempotencyKey, request.fingerprint(), charge);
    return new ChargeResult.Attempted(charge);
  }

  /** Notes a charge request refused by a fault before it reached the charge logic. */
  public void requestRefused(String idempotencyKey) {
    ledger.requestRefused(idempotencyKey);
  }

  /** Voids a successful charge; voiding it again changes nothing. */
  public VoidResult voidCharge(String chargeId) {
    Charge charge = chargesById.get(chargeId);
    if (charge == null) {
      return new VoidResult.UnknownCharge(chargeId);
    }
    if (!charge.succeeded()) {
      return new VoidResult.NotCharged(charge);
    }
    if (ledger.isVoided(chargeId)) {
      return new VoidResult.AlreadyVoided(charge);
    }
    ledger.voided(charge);
    return new VoidResult.Voided(charge);
  }

  public boolean isVoided(Charge charge) {
    return ledger.isVoided(charge.id());
  }

  /** The charge a key stands for: its first successful charge, or else its first decline. */
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
    chargesById.clear();
  }

  private Charge attempt(String idempotencyKey, ChargeRequest request) {
    Charge charge = new Charge(newChargeId.get(), idempotencyKey, request.amountCents(), request.currency(),
        request.token().declineCode());
    chargesById.put(charge.id(), charge);
    ledger.attempted(charge);
    return charge;
  }

  private static String randomChargeId() {
    byte[] bytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "ch_" + HexFormat.of().formatHex(bytes);
  }
}
