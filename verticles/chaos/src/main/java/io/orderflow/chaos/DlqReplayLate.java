package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Dead letters on several consumers for orders under load, replayed long after their orders ended: every
 * replay, of any consumer, must keep I1-I4 (no order ends twice, nothing reserved or charged for an ended
 * order, no audit entry twice or before its cause), and replaying restores what the dead letters held up.
 * <ul>
 *   <li>Targets: before each is placed, its payment record ({@code orderflow.payments.decided.<id>}) is made
 *       unreadable. Payments refuses to charge over it and fails the valid StockReserved until it is
 *       dead-lettered; orders-payments and audit-payments dead-letter the poison itself. So each target ends
 *       CANCELLED / PROCESSING_FAILED, and only that. Each also gets one more poison on its own subject:
 *       an unknown event type for inventory-orders and audit-orders, an invalid StockRejected for
 *       orders-rejected and audit-inventory, or an undecodable notification record for audit-notifications.</li>
 *   <li>A bad configuration: the INVENTORY stream's maximum message size is lowered below its events' for
 *       longer than a message's ten attempts, so the broker refuses inventory's writes (400, a rejection, not an
 *       outage) and inventory dead-letters valid OrderPlaced, OrderConfirmed and OrderCancelled events of the
 *       orders flowing meanwhile: their stock stays reserved until the replay.</li>
 * </ul>
 * Once everything ended and the system is quiet, long after, an operator removes the corrupt payment records
 * (the configuration is long restored) and replays every dead letter through the DLQ admin API of the management ports (each process in turn,
 * with an admin token).
 * Valid events must then be handled (and change nothing for ended orders); poison fails again and returns to
 * the DLQ once, from the replay consumer.
 */
final class DlqReplayLate {
  private DlqReplayLate() {}

  private static final byte[] UNREADABLE = "{\"specversion\":\"1.0\",\"id\":".getBytes(StandardCharsets.UTF_8);

  static void run(Run r) throws Exception {
    r.expectedDeadLetters = 1; // many, by design: the checks below are exact instead
    r.standardStart(Deployment.Spec.standard());
    List<String> skus = List.copyOf(r.stockSet.keySet());

    // 1. Targets, at 2/s beside the standard load: the payment record is corrupt before the order exists.
    int targets = r.t.isShort() ? 9 : 24;
    Map<String, Broker.Stored> records = new java.util.concurrent.ConcurrentHashMap<>();
    LoadGenerator targetLoad = r.startLoad(2, targets, n -> new LoadGenerator.OrderSpec("dlq-" + (n % 5),
        Map.of(skus.get(n % skus.size()), 1 + n % 3), n % 4 == 3 ? Run.DECLINED : Run.VISA), o -> {
      String id = o.expectedId();
      try {
        records.put(id, inject(r, io.orderflow.codecs.Subjects.PAYMENTS + "." + id, UNREADABLE));
      } catch (Exception e) {
        throw new IllegalStateException("could not corrupt the payment record of " + id + ": " + e, e);
      }
      r.failedOnPurpose.add(id);
    });
    Wait.until(targets + " target orders answered", r.t.clientRetry().plusSeconds(30), () -> targetLoad.created() >= targets
        && targetLoad.all.stream().allMatch(LoadGenerator.Order::settled));
    List<String> accepted = targetLoad.all.stream().filter(o -> o.orderId != null).map(o -> o.orderId).toList();
    r.out.check(accepted.size() == targets, (targets - accepted.size()) + " of " + targets + " target orders were not accepted: "
        + targetLoad.all.stream().filter(o -> o.orderId == null).map(o -> o.key + ": " + o.rejected).limit(3).toList());
    for (String id : accepted) {
      r.out.check(records.containsKey(id), "target " + id + " got another id than its key promised; its record was not corrupted");
    }
    // One more poison per target, on its own subject, for other consumers.
    int i = 0;
    for (String id : accepted) {
      switch (i++ % 3) {
        case 0 -> inject(r, "orderflow.orders.poison." + id, PoisonEvents.cloudEvent("orderflow.order.teleported.v1", id,
            new JsonObject().put("orderId", id)));
        case 1 -> inject(r, io.orderflow.codecs.Subjects.INVENTORY_REJECTED + "." + id, PoisonEvents.cloudEvent(
            "orderflow.inventory.stock-rejected.v1", id, new JsonObject().put("orderId", id).put("requested", -1)));
        default -> inject(r, io.orderflow.codecs.Subjects.NOTIFICATIONS + "." + id, new byte[] {(byte) 0xff, 0, (byte) 0xfe});
      }
    }

    // Every target's stock is reserved before INVENTORY refuses writes, so each one's StockReserved reaches payments.
    Wait.until("every target's stock reserved", r.t.quietTimeout(), Duration.ofMillis(500), () -> {
      for (String id : accepted) {
        if (!r.broker.has(Topology.INVENTORY, io.orderflow.codecs.Subjects.INVENTORY_RESERVED + "." + id)) return false;
      }
      return true;
    });

    // 2. INVENTORY refuses writes for longer than ten attempts' backoff: inventory dead-letters what it gets meanwhile.
    Duration refusing = r.t.isShort() ? Duration.ofSeconds(15) : Duration.ofSeconds(50);
    var config = r.broker.refuseWrites(Topology.INVENTORY);
    r.out.note("INVENTORY refused writes (maximum message size lowered to 32 bytes) for " + refusing.toSeconds() + "s");
    try {
      r.during(refusing);
    } finally {
      r.broker.restore(config);
    }
    r.healed();
    r.during(r.t.afterHeal());

    // 3. Every order ends, the system goes quiet.
    if (!r.settle()) return;
    List<Broker.DeadLetter> before = r.broker.deadLetters();
    Set<String> sagaDurables = new LinkedHashSet<>();
    for (Topology.ConsumerSpec c : Topology.SAGA_CONSUMERS) {
      sagaDurables.add(c.durable());
      sagaDurables.add(Topology.replayOf(c).durable());
    }
    for (Broker.DeadLetter l : before) {
      if (sagaDurables.contains(l.consumer()) && l.orderId() != null) r.mayFail.add(l.orderId());
    }
    Map<String, Long> byConsumer = new TreeMap<>(before.stream().collect(Collectors.groupingBy(Broker.DeadLetter::consumer, Collectors.counting())));
    long validBefore = before.stream().filter(Broker.DeadLetter::validEvent).count();
    r.out.note(before.size() + " dead letters before the replay (" + validBefore + " of them valid events), by consumer: " + byConsumer);
    for (String id : accepted) {
      long n = before.stream().filter(l -> l.consumer().equals(Topology.PAYMENTS_RESERVED.durable()) && id.equals(l.orderId())
          && l.validEvent()).count();
      r.out.check(n == 1, "target " + id + ": " + n + " dead letters of its StockReserved from payments-reserved (expected 1)");
    }
    long inventoryValid = before.stream().filter(l -> l.consumer().equals(Topology.INVENTORY_ORDERS.durable()) && l.validEvent()).count();
    r.out.check(inventoryValid > 0, "no valid event was dead-lettered by inventory-orders while INVENTORY refused writes: the fault tested nothing");
    Set<String> consumersWithLetters = new TreeSet<>(byConsumer.keySet());
    for (Topology.ConsumerSpec c : List.of(Topology.INVENTORY_ORDERS, Topology.PAYMENTS_RESERVED, Topology.ORDERS_REJECTED,
        Topology.ORDERS_PAYMENTS, Topology.AUDIT_ORDERS, Topology.AUDIT_INVENTORY, Topology.AUDIT_PAYMENTS, Topology.AUDIT_NOTIFICATIONS)) {
      r.out.check(consumersWithLetters.contains(c.durable()), "no dead letter from " + c.durable() + " before the replay");
    }
    r.out.note("stock held by dead letters before the replay: " + reserved(r));

    // 4. Long after: repair the corrupt records, then replay every dead letter, spread over the management ports.
    r.during(r.t.lateReplay());
    for (String id : accepted) {
      Broker.Stored record = records.get(id);
      if (record != null && r.broker.delete(record)) r.poison.remove(record);
    }
    List<Deployment.Instance> ports = r.d.instances.stream().filter(in -> in.proc().alive()).toList();
    Map<Long, JsonObject> listed = null;
    for (Deployment.Instance in : ports) {
      Map<Long, JsonObject> here = list(r, in);
      if (listed == null) listed = here;
      r.out.check(here.keySet().equals(listed.keySet()), in.label() + "'s /admin/dlq lists " + here.size() + " dead letters, "
          + ports.getFirst().label() + "'s " + listed.size());
    }
    r.out.check(listed != null && listed.size() == before.size(), "GET /admin/dlq lists " + (listed == null ? 0 : listed.size())
        + " dead letters, the DLQ stream holds " + before.size());
    long replayed = 0;
    List<String> refused = new ArrayList<>();
    int k = 0;
    for (long seq : listed == null ? List.<Long>of() : List.copyOf(listed.keySet())) {
      Deployment.Instance via = ports.get(k++ % ports.size());
      Http.Response resp = r.http.send("POST", via.mgmt() + "/admin/dlq/" + seq + "/replay", null, r.tokens.admin());
      if (resp.status() == 202) replayed++;
      else refused.add("#" + seq + " via " + via.label() + ": " + resp.status() + " " + Http.abbreviate(resp.body()));
    }
    r.out.check(refused.isEmpty(), refused.size() + " replays refused: " + refused.stream().limit(3).toList());
    r.out.note("replayed " + replayed + " dead letters " + r.t.lateReplay().toSeconds() + "s after the system went quiet, through "
        + ports.size() + " management ports");

    // 5. Quiet again (the replays handled, poison back in the DLQ once), then I1-I4.
    awaitDlqSteady(r);
    r.finish();
    List<Broker.DeadLetter> after = r.broker.deadLetters();
    long poisonBefore = before.stream().filter(l -> !l.validEvent()).count();
    List<Broker.DeadLetter> validAgain = after.stream().filter(Broker.DeadLetter::validEvent).toList();
    r.out.check(validAgain.isEmpty(), validAgain.size() + " valid events failed again after their replay: " + validAgain.stream().limit(3).toList());
    List<Broker.DeadLetter> notFromReplay = after.stream().filter(l -> l.consumer() == null || !l.consumer().endsWith("-replay")).toList();
    r.out.check(notFromReplay.isEmpty(), notFromReplay.size() + " dead letters after the replay are not from a replay consumer: "
        + notFromReplay.stream().limit(3).toList());
    r.out.check(after.size() == poisonBefore, after.size() + " dead letters after the replay; expected each of the " + poisonBefore
        + " poison messages back once (from its replay consumer)");
    r.out.dlq = before.size();
    r.out.extra.put("replayed", replayed);
    r.out.extra.put("dlq_after", after.size());
  }

  /** Publishes a message that is no valid event on a subject; audit cannot log it (I4 leaves it out). */
  private static Broker.Stored inject(Run r, String subject, byte[] body) throws Exception {
    io.nats.client.impl.Headers h = new io.nats.client.impl.Headers().add("Content-Type", "application/cloudevents+json")
        .add("Nats-Msg-Id", "poison-" + subject);
    var ack = r.broker.publish(subject, h, body);
    Broker.Stored stored = new Broker.Stored(ack.getStream(), ack.getSeqno());
    r.poison.add(stored);
    return stored;
  }

  /** Every dead letter the instance's DLQ admin lists, by sequence (newest first, paged). */
  private static Map<Long, JsonObject> list(Run r, Deployment.Instance in) throws Exception {
    Map<Long, JsonObject> all = new LinkedHashMap<>();
    long before = Long.MAX_VALUE;
    while (true) {
      String url = in.mgmt() + "/admin/dlq?limit=1000" + (before == Long.MAX_VALUE ? "" : "&before=" + before);
      Http.Response resp = r.http.send("GET", url, null, r.tokens.admin());
      if (resp.status() != 200) throw new IllegalStateException("GET " + url + " answered " + resp.status() + ": " + Http.abbreviate(resp.body()));
      JsonArray page = new JsonArray(resp.body());
      for (Object o : page) {
        JsonObject l = (JsonObject) o;
        all.put(l.getLong("sequence"), l);
        before = Math.min(before, l.getLong("sequence"));
      }
      if (page.size() < 1000) return all;
    }
  }

  /** Waits until the DLQ stops changing: the replays' second failures (poison) are all back. */
  private static void awaitDlqSteady(Run r) throws Exception {
    long[] last = {-1};
    long[] since = {System.nanoTime()};
    Wait.until("DLQ steady after the replay", r.t.quietTimeout(), Duration.ofSeconds(1), () -> {
      long n = r.broker.messages(Topology.DLQ);
      if (n != last[0]) {
        last[0] = n;
        since[0] = System.nanoTime();
        return false;
      }
      return r.broker.busyConsumer() == null && System.nanoTime() - since[0] > Duration.ofSeconds(5).toNanos();
    });
  }

  /** Units reserved per SKU right now (inventory's view). */
  private static String reserved(Run r) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    for (String sku : r.stockSet.keySet()) {
      out.put(sku, r.http.getJson(r.d.api("inventory") + "/inventory/" + sku, r.tokens.admin()).getLong("reserved"));
    }
    return out.toString();
  }
}
