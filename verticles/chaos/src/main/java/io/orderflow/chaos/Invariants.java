package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * I1-I5, checked from the outside: the order API, psp-sim's ledger, inventory, audit verification, the DLQ.
 * Reads of the order API, inventory and audit go with the admin token (an admin may read any customer's order).
 */
final class Invariants {
  private static final Set<String> TERMINAL = Set.of("CONFIRMED", "CANCELLED");
  /** Cancellations that are the order's own fate (card, token, stock), never an outage's (I5). */
  private static final Set<String> BUSINESS_REASONS = Set.of("PAYMENT_DECLINED", "PAYMENT_INVALID", "OUT_OF_STOCK");

  private final Run run;
  private final Outcome out;
  /** Last view of each accepted order, by order id. */
  private final Map<String, JsonObject> views = new ConcurrentHashMap<>();
  private final Map<String, LoadGenerator.Order> accepted = new HashMap<>();
  /** The last refusal (401/403) of an order read: the reason views never become terminal, said when quiet never comes. */
  private volatile String readRefused;

  Invariants(Run run) {
    this.run = run;
    this.out = run.out;
    for (LoadGenerator.Order o : run.orders()) {
      if (o.orderId != null) accepted.put(o.orderId, o);
    }
  }

  /** Terminal views the caller already knows (the bench's, from the end events it saw): not asked for again. */
  Invariants knownViews(Map<String, JsonObject> known) {
    views.putAll(known);
    return this;
  }

  /** Quiet: no consumer has pending or unacknowledged messages and every accepted order is terminal. */
  boolean awaitQuiet(Duration timeout) throws Exception {
    String[] why = {""};
    try {
      Wait.until("quiet", timeout, Duration.ofSeconds(1), () -> {
        refreshViews();
        long open = accepted.keySet().stream().filter(id -> !terminal(views.get(id))).count();
        if (open > 0) {
          why[0] = open + " accepted orders not terminal" + (readRefused == null ? "" : " (reading them: " + readRefused + ")");
          return false;
        }
        String busy = run.broker.busyConsumer();
        why[0] = busy == null ? "" : "consumer busy: " + busy;
        return busy == null;
      });
      return true;
    } catch (Wait.TimedOut e) {
      out.fail("not quiet within " + timeout.toSeconds() + "s: " + why[0]);
      out.note("consumers when giving up: " + run.broker.consumerStates());
      return false;
    }
  }

  void check() throws Exception {
    List<LoadGenerator.Order> orders = run.orders();
    out.accepted = accepted.size();
    out.confirmed = count("CONFIRMED");
    out.cancelled = count("CANCELLED");
    orderOutcomes(orders);
    charges();
    stock();
    audit();
    deadLetters();
    Map<String, Long> redelivered = run.broker.redeliveries();
    out.redelivered = redelivered.values().stream().mapToLong(Long::longValue).sum();
    if (!redelivered.isEmpty()) out.note("redeliveries by consumer: " + redelivered);
    if (run.gateway) outagesWait();
    if (run.exactlyOnceMail) mails();
  }

  /** I1, and what each order should have ended as. */
  private void orderOutcomes(List<LoadGenerator.Order> orders) throws Exception {
    long lost = accepted.keySet().stream().filter(id -> !terminal(views.get(id))).count();
    out.lost = lost;
    out.check(lost == 0, lost + " accepted orders did not reach a terminal state (I1), e.g. " + example(
        accepted.keySet().stream().filter(id -> !terminal(views.get(id)))));
    Map<String, Long> twice = run.broker.endedMoreThanOnce();
    out.check(twice.isEmpty(), twice.size() + " orders ended more than once in the ORDERS stream (I1: exactly one terminal state): " + example(
        twice.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())));
    long refused = orders.stream().filter(o -> o.rejected != null).count();
    out.check(refused == 0, refused + " orders refused by the API, e.g. " + orders.stream().filter(o -> o.rejected != null)
        .findFirst().map(o -> o.key + ": " + o.rejected).orElse(""));
    long unknown = orders.stream().filter(o -> o.orderId == null && o.rejected == null).count();
    out.check(unknown == 0, unknown + " orders never got a definitive answer, even after healing");
    Set<String> placed = new HashSet<>(run.broker.placedOrders());
    Set<String> orphans = new HashSet<>(placed);
    orphans.removeAll(accepted.keySet());
    orphans.removeAll(run.injectedIds);
    out.check(orphans.isEmpty(), orphans.size() + " orders stored that no client was told about (ids differ from the retried key's), e.g. " + example(orphans.stream()));
    long retriedAccepted = orders.stream().filter(o -> o.failures > 0 && o.orderId != null).count();
    if (retriedAccepted > 0) out.note(retriedAccepted + " orders accepted after client retries with the same Idempotency-Key");
    List<String> wrong = new ArrayList<>();
    for (var e : accepted.entrySet()) {
      JsonObject v = views.get(e.getKey());
      if (!terminal(v)) continue;
      String status = v.getString("status");
      String reason = v.getString("reason");
      boolean ok = expected(e.getKey(), e.getValue().spec.token(), status, reason);
      if (!ok) wrong.add(e.getKey() + " (" + e.getValue().spec.token() + ") ended " + status + (reason == null ? "" : "/" + reason));
    }
    out.check(wrong.isEmpty(), wrong.size() + " orders ended other than their card and stock say, e.g. " + example(wrong.stream()));
  }

  /**
   * What an order may end as: what its card says (tok_visa CONFIRMED, a declined card PAYMENT_DECLINED, a token
   * the gateway refuses PAYMENT_INVALID), OUT_OF_STOCK where the scenario lets stock run out, and
   * PROCESSING_FAILED only for an order the scenario had dead-lettered on purpose (and then nothing else).
   */
  private boolean expected(String orderId, String token, String status, String reason) {
    if (run.failedOnPurpose.contains(orderId)) return status.equals("CANCELLED") && "PROCESSING_FAILED".equals(reason);
    if (run.mayFail.contains(orderId) && status.equals("CANCELLED") && "PROCESSING_FAILED".equals(reason)) return true;
    if (run.stockMayRunOut && status.equals("CANCELLED") && "OUT_OF_STOCK".equals(reason)) return true;
    if (Run.DECLINED.equals(token)) return status.equals("CANCELLED") && "PAYMENT_DECLINED".equals(reason);
    if (Run.isBadToken(token)) return status.equals("CANCELLED") && "PAYMENT_INVALID".equals(reason);
    return status.equals("CONFIRMED");
  }

  /** I2: at most one live charge per key, exactly one per confirmed order for its total, none for a cancelled one. */
  private void charges() throws Exception {
    JsonObject ledger = run.http.getJson(run.d.pspUrl + "/admin/ledger", run.d.pspAdmin);
    JsonObject keys = ledger.getJsonObject("keys", new JsonObject());
    long bad = 0;
    List<String> why = new ArrayList<>();
    long replays = 0;
    for (String key : keys.fieldNames()) {
      JsonObject k = keys.getJsonObject(key);
      replays += k.getLong("replays", 0L);
      List<JsonObject> live = live(k);
      JsonObject v = views.get(key);
      String status = v == null ? null : v.getString("status");
      if (live.size() > 1) {
        bad++;
        why.add(key + " has " + live.size() + " live charges");
      } else if (v == null && !live.isEmpty()) {
        bad++;
        why.add("charge for a key that is no accepted order: " + key);
      } else if ("CANCELLED".equals(status) && !live.isEmpty()) {
        bad++;
        why.add(key + " CANCELLED but charged " + live.getFirst().getLong("amountCents"));
      }
    }
    for (var e : accepted.keySet()) {
      JsonObject v = views.get(e);
      if (v == null || !"CONFIRMED".equals(v.getString("status"))) continue;
      JsonObject k = keys.getJsonObject(e);
      List<JsonObject> live = k == null ? List.of() : live(k);
      if (live.size() != 1) {
        if (live.isEmpty()) {
          bad++;
          why.add(e + " CONFIRMED without a charge");
        }
        continue; // more than one: counted above
      }
      JsonObject c = live.getFirst();
      if (c.getLong("amountCents") != v.getLong("totalCents").longValue() || !v.getString("currency").equals(c.getString("currency"))) {
        bad++;
        why.add(e + " charged " + c.getLong("amountCents") + " " + c.getString("currency") + " for a total of " + v.getLong("totalCents"));
      }
    }
    out.doubleCharged = bad;
    out.check(bad == 0, bad + " charge violations (I2): " + example(why.stream()));
    JsonObject declined = ledger.getJsonObject("declined", new JsonObject());
    out.note("gateway: " + keys.size() + " charged keys, " + replays + " replays; declined keys " + declined.getLong("keys", 0L)
        + " (requests " + declined.getLong("requests", 0L) + ", replays " + declined.getLong("replays", 0L) + ")");
  }

  private static List<JsonObject> live(JsonObject key) {
    List<JsonObject> live = new ArrayList<>();
    for (Object c : key.getJsonArray("charges", new JsonArray())) {
      JsonObject charge = (JsonObject) c;
      if (!charge.getBoolean("voided", false)) live.add(charge);
    }
    return live;
  }

  /** I3, polled briefly: inventory folds its stream, so its view may trail the consumers by a moment. */
  private void stock() throws Exception {
    Map<String, Long> confirmedQty = new HashMap<>();
    for (String id : accepted.keySet()) {
      JsonObject v = views.get(id);
      if (v == null || !"CONFIRMED".equals(v.getString("status"))) continue;
      for (Object l : v.getJsonArray("lines")) {
        JsonObject line = (JsonObject) l;
        confirmedQty.merge(line.getString("sku"), line.getLong("quantity"), Long::sum);
      }
    }
    long[] oversold = {0};
    List<String> why = new ArrayList<>();
    try {
      Wait.until("stock conserved", Duration.ofSeconds(15), Duration.ofMillis(500), () -> {
        oversold[0] = 0;
        why.clear();
        for (var e : run.stockSet.entrySet()) {
          JsonObject s = run.http.getJson(run.d.api("inventory") + "/inventory/" + e.getKey(), run.tokens.admin());
          long available = s.getLong("available");
          long reserved = s.getLong("reserved");
          long sold = s.getLong("sold");
          long before = run.soldBefore.getOrDefault(e.getKey(), 0L);
          long expected = confirmedQty.getOrDefault(e.getKey(), 0L);
          // What this run's orders sold; sales of orders written straight to the streams (history) came before the set.
          long soldNow = sold - before;
          long off = Math.abs(soldNow - expected) + Math.max(0, -available) + Math.max(0, soldNow - e.getValue());
          oversold[0] += off;
          if (off > 0 || reserved != 0 || available + reserved + soldNow != e.getValue()) {
            why.add(e.getKey() + ": available=" + available + " reserved=" + reserved + " sold=" + sold + " confirmed=" + expected
                + " set=" + e.getValue() + (before == 0 ? "" : " sold-before=" + before));
          }
        }
        return why.isEmpty();
      });
    } catch (Wait.TimedOut e) {
      out.fail("stock not conserved (I3): " + String.join("; ", why));
    }
    out.oversold = oversold[0];
  }

  /** I4: the chain verifies, and (when verified from the start) holds every event exactly once. */
  private void audit() throws Exception {
    String url = run.d.api("audit") + "/audit/verify";
    // What the audit consumers' filters match (the ORDERS stream also holds hand-offs: token, email, no
    // events), except the poison the scenario injected that is still stored: it is no event, audit
    // dead-letters it.
    List<Topology.ConsumerSpec> audited = Topology.AUDIT_CONSUMERS;
    long events = 0;
    for (Topology.ConsumerSpec c : audited) events += run.broker.matching(c);
    long poison = 0;
    for (Broker.Stored p : run.poison) {
      if (audited.stream().anyMatch(c -> c.stream().equals(p.stream())) && run.broker.stored(p)) poison++;
    }
    long expected = events - poison;
    String[] last = {""};
    try {
      Wait.until("audit verifies", Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
        Http.Response r = run.http.send("GET", url, null, run.tokens.admin());
        last[0] = r.status() + " " + Http.abbreviate(r.body());
        if (r.status() != 200) return false;
        JsonObject b = r.json();
        return b.getLong("fromSequence", 1L) > 1 || b.getLong("entriesChecked", -1L) == expected;
      });
    } catch (Wait.TimedOut e) {
      out.fail("audit (I4): expected " + expected + " entries (" + events + " messages on the audited subjects, " + poison
          + " of them injected poison); GET /audit/verify: " + last[0]);
    }
  }

  private void deadLetters() throws Exception {
    out.dlq = run.broker.messages(Topology.DLQ);
    if (run.expectedDeadLetters == 0) {
      out.check(out.dlq == 0, out.dlq + " messages dead-lettered: " + example(run.broker.deadLetters().stream()
          .map(l -> l.consumer() + " " + l.subject() + ": " + l.error())));
    }
  }

  /** I5: nothing cancelled for an outage, nothing dead-lettered, everything confirmed within 60 s of recovery. */
  private void outagesWait() {
    List<String> why = new ArrayList<>();
    for (String id : accepted.keySet()) {
      JsonObject v = views.get(id);
      if (v == null) continue;
      String reason = v.getString("reason");
      if ("CANCELLED".equals(v.getString("status")) && !BUSINESS_REASONS.contains(reason)) why.add(id + " CANCELLED/" + reason);
      if ("CONFIRMED".equals(v.getString("status")) && v.getString("endedAt") != null && run.healedAt != null) {
        Instant placed = Instant.parse(v.getString("placedAt"));
        Instant start = placed.isAfter(run.healedAt) ? placed : run.healedAt;
        Instant ended = Instant.parse(v.getString("endedAt"));
        if (Duration.between(start, ended).toSeconds() > 60) why.add(id + " confirmed " + Duration.between(start, ended).toSeconds() + "s after recovery");
      }
    }
    out.check(why.isEmpty(), why.size() + " orders broke I5 (outages wait): " + example(why.stream()));
  }

  /** Notifications: one mail per order at most (graceful stops and extra instances must not repeat effects). */
  private void mails() throws IOException {
    Map<String, Integer> perOrder = new HashMap<>();
    try (Stream<java.nio.file.Path> files = Files.list(run.d.mailDir)) {
      files.forEach(f -> {
        String n = f.getFileName().toString();
        for (String id : accepted.keySet()) {
          if (n.contains(id)) perOrder.merge(id, 1, Integer::sum);
        }
      });
    }
    List<String> twice = perOrder.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
    out.check(twice.isEmpty(), twice.size() + " orders mailed more than once: " + example(twice.stream()));
  }

  private void refreshViews() {
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    List<String> apis = run.d.orderApis();
    Map<String, String> admin = Map.of("Authorization", run.tokens.admin());
    int i = 0;
    java.util.concurrent.Semaphore limit = new java.util.concurrent.Semaphore(32);
    for (String id : accepted.keySet()) {
      if (terminal(views.get(id))) continue;
      String api = apis.get(i++ % apis.size());
      limit.acquireUninterruptibly();
      calls.add(run.http.sendAsync("GET", api + "/orders/" + id, null, admin, Duration.ofSeconds(5))
          .handle((r, err) -> {
            limit.release();
            if (err == null && r.status() == 200) views.put(id, r.json());
            if (err == null && (r.status() == 401 || r.status() == 403)) readRefused = r.status() + " " + Http.abbreviate(r.body());
            return null;
          }));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
  }

  /** The terminal view of an accepted order (after {@link #awaitQuiet}). */
  JsonObject view(String orderId) {
    return views.get(orderId);
  }

  private long count(String status) {
    return accepted.keySet().stream().filter(id -> views.get(id) != null && status.equals(views.get(id).getString("status"))).count();
  }

  private static boolean terminal(JsonObject v) {
    return v != null && TERMINAL.contains(v.getString("status"));
  }

  private static String example(Stream<String> s) {
    List<String> first = s.limit(3).toList();
    return first.isEmpty() ? "" : String.join("; ", first);
  }
}
