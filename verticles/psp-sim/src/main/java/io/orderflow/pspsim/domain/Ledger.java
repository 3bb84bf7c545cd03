package io.orderflow.pspsim.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happened per idempotency key: how often it was sent, replayed, refused, charged and declined, and
 * which charges were voided. Tests read it to prove a client never charged twice. Not thread-safe: confined
 * to the thread of its owner.
 */
public final class Ledger {

  /**
   * A snapshot of one key's activity.
   *
   * @param requests requests that reached the charge logic (replays and rejected ones included)
   * @param charges only successful charges, voided ones included
   * @param failedRequests requests refused with 503 by a fault before reaching the charge logic
   */
  public record KeyActivity(int requests, int replays, List<Charge> charges, int declines, int failedRequests) {
    public KeyActivity {
      charges = List.copyOf(charges);
    }
  }

  /** The whole ledger at one moment; the totals count successful charges that were not voided. */
  public record Snapshot(Map<String, KeyActivity> keys, Set<String> voidedChargeIds, int totalCharges,
                         long totalAmountCents) {
    public Snapshot {
      keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
      voidedChargeIds = Set.copyOf(voidedChargeIds);
    }

    public boolean isVoided(Charge charge) {
      return voidedChargeIds.contains(charge.id());
    }
  }

  private static final class Counts {
    int requests;
    int replays;
    int declines;
    int failedRequests;
    final List<Charge> charges = new ArrayList<>();
  }

  private final Map<String, Counts> byKey = new LinkedHashMap<>();
  private final Set<String> voided = new LinkedHashSet<>();

  public void requestReceived(String idempotencyKey) {
    counts(idempotencyKey).requests++;
  }

  public void replayed(String idempotencyKey) {
    counts(idempotencyKey).replays++;
  }

  public void requestRefused(String idempotencyKey) {
    counts(idempotencyKey).failedRequests++;
  }

  public void attempted(Charge charge) {
    Counts counts = counts(charge.idempotencyKey());
    if (charge.succeeded()) {
      counts.charges.add(charge);
    } else {
      counts.declines++;
    }
  }

  public void voided(Charge charge) {
    voided.add(charge.id());
  }

  public boolean isVoided(String chargeId) {
    return voided.contains(chargeId);
  }

  /** The activity per key, in the order keys were first seen, and the totals over charges still standing. */
  public Snapshot snapshot() {
    Map<String, KeyActivity> keys = new LinkedHashMap<>();
    byKey.forEach((key, c) ->
        keys.put(key, new KeyActivity(c.requests, c.replays, c.charges, c.declines, c.failedRequests)));
    List<Charge> standing = byKey.values().stream()
        .flatMap(c -> c.charges.stream())
        .filter(charge -> !voided.contains(charge.id()))
        .toList();
    return new Snapshot(keys, voided, standing.size(), standing.stream().mapToLong(Charge::amountCents).sum());
  }

  public void clear() {
    byKey.clear();
    voided.clear();
  }

  private Counts counts(String idempotencyKey) {
    return byKey.computeIfAbsent(idempotencyKey, key -> new Counts());
  }
}
