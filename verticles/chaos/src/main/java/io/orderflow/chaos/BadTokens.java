package io.orderflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Under the standard load, a flood of orders whose payment token the gateway refuses as malformed or unknown
 * ({@code tok_<random>_not_a_card}: psp-sim answers 400 invalid-payment-token). Each must end CANCELLED /
 * PAYMENT_INVALID at once, its stock released and nothing charged, without a retry counted as a failure or a
 * dead letter; the other orders end as usual.
 */
final class BadTokens {
  private BadTokens() {}

  /** Share of all orders that carry a bad token while the flood lasts. */
  static final double FLOOD_SHARE = 0.25;

  static void run(Run r) throws Exception {
    r.standardStart(Deployment.Spec.standard());
    List<String> skus = List.copyOf(r.stockSet.keySet());
    Random random = new Random(r.name.hashCode() * 31L);
    // A second open-loop load beside the standard one: rate/(standard + rate) = FLOOD_SHARE.
    double rate = r.t.rate() * FLOOD_SHARE / (1 - FLOOD_SHARE);
    LoadGenerator standard = r.load;
    java.time.Instant floodFrom = java.time.Instant.now();
    LoadGenerator flood = r.startLoad(rate, 0, n -> {
      Map<String, Integer> items = new LinkedHashMap<>();
      String token;
      synchronized (random) {
        int lines = 1 + random.nextInt(2);
        for (int i = 0; i < lines; i++) items.merge(skus.get(random.nextInt(skus.size())), 1 + random.nextInt(3), Integer::sum);
        token = Run.badToken(random);
      }
      return new LoadGenerator.OrderSpec("bad-" + (n % 11), items, token);
    });
    r.during(r.t.outage());
    flood.stop();
    java.time.Instant floodTo = java.time.Instant.now();
    r.healed();
    r.during(r.t.afterHeal());
    Invariants inv = r.finish();

    List<LoadGenerator.Order> bad = flood.all.stream().filter(o -> o.orderId != null).toList();
    long invalid = bad.stream().map(o -> inv.view(o.orderId))
        .filter(v -> v != null && "CANCELLED".equals(v.getString("status")) && "PAYMENT_INVALID".equals(v.getString("reason"))).count();
    long all = r.orders().stream().filter(o -> o.orderId != null).count();
    r.out.extra.put("bad_tokens", bad.size());
    r.out.extra.put("payment_invalid", invalid);
    r.out.check(!bad.isEmpty(), "no order with a bad token was accepted: the flood tested nothing");
    r.out.check(invalid == bad.size(), (bad.size() - invalid) + " of " + bad.size() + " orders with a bad token did not end CANCELLED / PAYMENT_INVALID");
    long alongside = standard.all.stream().filter(o -> !o.created.isBefore(floodFrom) && o.created.isBefore(floodTo)).count();
    r.out.note(bad.size() + " of " + all + " accepted orders carried a bad token (" + Math.round(100.0 * flood.all.size()
        / Math.max(1, flood.all.size() + alongside)) + " % of the orders sent during the " + r.t.outage().toSeconds() + "s flood); "
        + invalid + " ended CANCELLED / PAYMENT_INVALID");
    // A refused token is the order's fate, not a handler failure: nothing may count towards dead-lettering.
    List<String> counted = new ArrayList<>();
    java.util.Set<String> badIds = new java.util.HashSet<>();
    for (LoadGenerator.Order o : bad) badIds.add(o.orderId);
    for (var e : r.broker.failedAttempts().entrySet()) {
      String order = r.broker.orderOfFailure(e.getKey());
      if (order != null && badIds.contains(order)) counted.add(e.getKey() + "=" + e.getValue() + " (order " + order + ")");
    }
    r.out.check(counted.isEmpty(), counted.size() + " handler failures counted for orders with a bad token (a refused token must end the order, not be retried): "
        + counted.stream().limit(3).toList());
    long latest = bad.stream().map(o -> inv.view(o.orderId)).filter(v -> v != null && v.getString("endedAt") != null)
        .mapToLong(v -> Duration.between(java.time.Instant.parse(v.getString("placedAt")), java.time.Instant.parse(v.getString("endedAt"))).toMillis())
        .max().orElse(0);
    r.out.note("slowest bad-token order ended " + latest + " ms after it was placed");
  }
}
