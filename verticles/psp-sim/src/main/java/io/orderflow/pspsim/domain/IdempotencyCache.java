package io.orderflow.pspsim.domain;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The first charge made for each idempotency key, with the parameters that made it.
 * Not thread-safe: confined to the thread of its owner.
 */
public final class IdempotencyCache {

  /** The parameters of the first request for a key and the charge it produced. */
  public record Entry(ChargeRequest.Fingerprint fingerprint, Charge charge) {}

  private final Map<String, Entry> entries = new HashMap<>();

  public Optional<Entry> find(String idempotencyKey) {
    return Optional.ofNullable(entries.get(idempotencyKey));
  }

  /** Records the first charge for a key; a key is never overwritten. */
  public void remember(String idempotencyKey, ChargeRequest.Fingerprint fingerprint, Charge charge) {
    if (entries.putIfAbsent(idempotencyKey, new Entry(fingerprint, charge)) != null) {
      throw new IllegalStateException("idempotency key already holds a charge: " + idempotencyKey);
    }
  }

  /**
   * Records a charge made without honouring the key (a gateway that lost its cache): the key keeps its first
   * successful charge, or else its first decline, which is what a lookup by key answers.
   */
  public void rememberRepeat(String idempotencyKey, ChargeRequest.Fingerprint fingerprint, Charge charge) {
    entries.merge(idempotencyKey, new Entry(fingerprint, charge),
        (earlier, repeat) -> !earlier.charge().succeeded() && repeat.charge().succeeded() ? repeat : earlier);
  }

  public void clear() {
    entries.clear();
  }
}
