package io.orderflow.pspsim.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened per idempotency key: how often it was sent, replayed, charged and declined.
 * Tests read it to prove a client never charged twice. Not thread-safe: confined to the thread of its owner.
 */
public final class Ledger {

  /** A snapshot of one key's activity; {@code charges} holds only successful charges. */
  public record KeyActivity(int requests, int replays, List<Charge> charges, int declines) {
    public KeyActivity {
      charges = List.copyOf(charges);
    }
  }

  /** The whole ledger at one moment. */
  public record Snapshot(Map<String, KeyActivity> keys, int totalCharges, long totalAmountCents) {
    public Snapshot {
      keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }
  }

  private static final class Counts {
    int requests;
    int replays;
    int declines;
    final List<Charge> charges = new ArrayList<>();
  }

  private final Map<String, Counts> byKey = new LinkedHashMap<>();

  public void requestReceived(String idempotencyKey) {
    counts(idempotencyKey).requests++;
  }

  public void replayed(String idempotencyKey) {
    counts(idempotencyKey).replays++;
  }

  public void attempted(Charge charge) {
    Counts counts = counts(charge.idempotencyKey());
    if (charge.succeeded()) {
      counts.charges.add(charge);
    } else {
      counts.declines++;
    }
  }

  /** The activity per key, in the order keys were first seen, and the totals over successful charges. */
  public Snapshot snapshot() {
    Map<String, KeyActivity> keys = new LinkedHashMap<>();
    byKey.forEach((key, c) -> keys.put(key, new KeyActivity(c.requests, c.replays, c.charges, c.declines)));
    List<Charge> charges = byKey.values().stream().flatMap(c -> c.charges.stream()).toList();
    return new Snapshot(keys, charges.size(), charges.stream().mapToLong(Charge::amountCents).sum());
  }

  public void clear() {
    byKey.clear();
  }

  private Counts counts(String idempotencyKey) {
    return byKey.computeIfAbsent(idempotencyKey, key -> new Counts());
  }
}
