package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.api.StreamInfoOptions;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.EventCodec;
import io.nats.client.KeyValue;
import io.orderflow.orders.OrderProjection;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.orders.domain.ProjectionFold;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hundreds of mixed orders at once through the whole pipeline, with two instances of inventory and
 * payments (and a second audit instance), then I1-I4 checked from the outside: API, psp-sim's ledger, stock levels, audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {
  static final Map<String, long[]> STOCK = Map.of("SKU-A", new long[] {2000, 1250}, "SKU-B", new long[] {400, 499}, "SKU-HOT", new long[] {20, 9999});
  Pipeline p;
  int api;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    api = p.host("all").publicPort();
    p.host("inventory,payments,audit");
    for (var s : STOCK.entrySet()) {
      var r = p.call(HttpMethod.PUT, api, "/inventory/" + s.getKey(),
          new JsonObject().put("priceCents", s.getValue()[1]).put("available", s.getValue()[0]), Map.of());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  record Sent(JsonObject body, String key) {}

  @Test
  @Order(1)
  void mixedConcurrentOrdersKeepEveryInvariant() throws Exception {
    List<Sent> requests = new ArrayList<>();
    for (int i = 0; i < 520; i++) {
      String customer = "c-" + (i % 37);
      JsonObject body = switch (i % 10) {
        case 0, 1, 2, 3 -> Orders.order(customer, "tok_visa", "SKU-A", 1 + i % 3);
        case 4, 5 -> Orders.order(customer, "tok_visa", "SKU-A", 1, "SKU-B", 2);
        case 6 -> Orders.order(customer, "tok_chargeDeclined", "SKU-B", 1);
        case 7 -> Orders.order(customer, "tok_chargeDeclinedInsufficientFunds", "SKU-A", 2);
        case 8 -> Orders.order(customer, "tok_visa", "SKU-HOT", 1);
        default -> Orders.order(customer, "tok_visa", "SKU-B", 1, "SKU-A", 5000);
      };
      requests.add(new Sent(body, i % 4 == 0 ? "key-" + i : null));
    }
    // Every fifth keyed request is sent twice at once: the twin must get the same order.
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Sent s = requests.get(i);
      responses.add(send(s));
      sent.add(s);
      if (s.key() != null && i % 20 == 0) {
        responses.add(send(s));
        sent.add(s);
      }
    }
    Future.join(responses).await(120, TimeUnit.SECONDS);
    Map<String, JsonObject> accepted = new HashMap<>();
    Map<String, String> orderOfKey = new HashMap<>();
    for (int i = 0; i < responses.size(); i++) {
      HttpResponse<Buffer> r = responses.get(i).result();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      String id = r.bodyAsJsonObject().getString("orderId");
      assertThat(r.getHeader("Location")).isEqualTo("/orders/" + id);
      accepted.put(id, sent.get(i).body());
      if (sent.get(i).key() != null) {
        String before = orderOfKey.putIfAbsent(sent.get(i).key(), id);
        assertThat(before == null || before.equals(id)).as("same key, same order").isTrue();
      }
    }
    assertThat(accepted).hasSize(520);

    Map<String, JsonObject> finals = awaitTerminal(accepted.keySet());
    await().atMost(Duration.ofSeconds(60)).until(p::quiet);
    await().atMost(Duration.ofSeconds(30)).until(() -> p.smtp.messagesWritten() >= accepted.size());

    // I1: exactly one terminal state, and one terminal event, per accepted order.
    var ended = subjectCounts(Topology.ORDERS, "orderflow.orders.ended.>");
    for (String id : accepted.keySet()) assertThat(ended.get("orderflow.orders.ended." + id)).as(id).isEqualTo(1L);
    Set<String> confirmed = new HashSet<>();
    for (var e : finals.entrySet()) if (e.getValue().getString("status").equals("CONFIRMED")) confirmed.add(e.getKey());
    long outOfStock = finals.values().stream().filter(v -> "OUT_OF_STOCK".equals(v.getString("reason"))).count();
    long declined = finals.values().stream().filter(v -> "PAYMENT_DECLINED".equals(v.getString("reason"))).count();
    System.out.printf("orders: accepted=%d confirmed=%d out_of_stock=%d payment_declined=%d%n",
        accepted.size(), confirmed.size(), outOfStock, declined);
    assertThat(declined).isEqualTo(104);
    assertThat(confirmed.size() + outOfStock + declined).isEqualTo(accepted.size());

    // I2: one charge per confirmed order, for its total; none for the others.
    JsonObject keys = p.get(p.pspPort, "/admin/ledger").bodyAsJsonObject().getJsonObject("keys");
    Set<String> charged = new HashSet<>();
    for (String key : keys.fieldNames()) {
      var charges = keys.getJsonObject(key).getJsonArray("charges");
      assertThat(accepted).containsKey(key);
      if (!charges.isEmpty()) {
        charged.add(key);
        assertThat(charges).hasSize(1);
        assertThat(charges.getJsonObject(0).getLong("amountCents")).isEqualTo(finals.get(key).getLong("totalCents"));
      }
    }
    assertThat(charged).isEqualTo(confirmed);

    // I3: stock conserved, nothing reserved once quiet, the hot SKU sold exactly out.
    Map<String, Long> soldLines = new HashMap<>();
    for (String id : confirmed) {
      for (Object o : finals.get(id).getJsonArray("lines")) {
        JsonObject l = (JsonObject) o;
        soldLines.merge(l.getString("sku"), l.getLong("quantity"), Long::sum);
      }
    }
    for (var s : STOCK.entrySet()) {
      JsonObject level = p.get(api, "/inventory/" + s.getKey()).bodyAsJsonObject();
      assertThat(level.getLong("reserved")).as(s.getKey()).isZero();
      assertThat(level.getLong("sold")).as(s.getKey()).isEqualTo(soldLines.getOrDefault(s.getKey(), 0L));
      assertThat(level.getLong("available") + level.getLong("sold")).as(s.getKey()).isEqualTo(s.getValue()[0]);
      assertThat(level.getLong("available")).isNotNegative();
    }
    assertThat(soldLines.get("SKU-HOT")).isEqualTo(20L);

    // I4: every event in the audit log exactly once, causal per order, and the chain verifies.
    AuditReader audit = AuditReader.read(p.nc);
    Set<String> published = new HashSet<>();
    for (String stream : List.of(Topology.ORDERS, Topology.INVENTORY, Topology.PAYMENTS, Topology.NOTIFICATIONS)) {
      published.addAll(eventIds(stream));
    }
    assertThat(audit.duplicates()).isEmpty();
    assertThat(audit.eventIds()).isEqualTo(published);
    assertThat(audit.causalViolations()).isEmpty();
    var verify = p.get(api, "/audit/verify");
    assertThat(verify.statusCode()).isEqualTo(200);
    assertThat(verify.bodyAsJsonObject().getLong("fromSequence")).as("verification starts at a checkpoint").isGreaterThan(1);
    String anyConfirmed = confirmed.iterator().next();
    assertThat(p.get(api, "/audit/orders/" + anyConfirmed).bodyAsJsonObject().getJsonArray("entries")).hasSize(6);
  }

  @Test
  @Order(2)
  void writesPerPaidOrder() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(p::quiet);
    long before = p.writes();
    int n = 200;
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (int i = 0; i < n; i++) responses.add(send(new Sent(Orders.order("c-paid-" + i % 10, "tok_visa", "SKU-A", 1), null)));
    Future.all(responses).await(60, TimeUnit.SECONDS);
    Set<String> ids = new HashSet<>();
    for (var r : responses) ids.add(r.result().bodyAsJsonObject().getString("orderId"));
    Map<String, JsonObject> finals = awaitTerminal(ids);
    assertThat(finals.values()).allMatch(v -> v.getString("status").equals("CONFIRMED"));
    await().atMost(Duration.ofSeconds(60)).until(p::quiet);
    double perOrder = (p.writes() - before) / (double) n;
    System.out.printf("writes per paid order: %.2f (%d JetStream writes for %d paid orders, all streams and buckets)%n",
        perOrder, p.writes() - before, n);
    assertThat(perOrder).isLessThanOrEqualTo(12.0);
  }

  @Test
  @Order(3)
  void theProjectionRebuiltFromTheStreamEqualsTheLiveOne() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(p::quiet);
    var fold = new ProjectionFold();
    var jsm = p.nc.jetStreamManagement();
    long last = jsm.getStreamInfo(Topology.ORDERS).getStreamState().getLastSequence();
    for (long s = 1; s <= last; s++) {
      if (EventCodec.decode(jsm.getMessage(Topology.ORDERS, s).getData()) instanceof Decoded.Ok ok) fold.accept(ok.envelope());
    }
    Map<String, OrderView> live = new HashMap<>();
    KeyValue kv = p.nc.keyValue(Topology.ORDERS_VIEW.name());
    for (String key : kv.keys()) live.put(key, OrderProjection.fromJson(new JsonObject(Buffer.buffer(kv.get(key).getValue()))));
    assertThat(live).hasSizeGreaterThanOrEqualTo(720);
    assertThat(fold.views()).isEqualTo(live);
  }

  private Future<HttpResponse<Buffer>> send(Sent s) {
    return p.place(api, s.body(), s.key());
  }

  private Map<String, JsonObject> awaitTerminal(Set<String> ids) {
    Map<String, JsonObject> finals = new HashMap<>();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
      List<String> open = ids.stream().filter(id -> !finals.containsKey(id)).toList();
      List<Future<HttpResponse<Buffer>>> reads = new ArrayList<>();
      for (String id : open) reads.add(p.read(api, "/orders/" + id));
      Future.join(reads).await(30, TimeUnit.SECONDS);
      for (int i = 0; i < open.size(); i++) {
        JsonObject v = reads.get(i).result().bodyAsJsonObject();
        if (!v.getString("status").equals("PENDING")) finals.put(open.get(i), v);
      }
      return finals.size() == ids.size();
    });
    return finals;
  }

  private Map<String, Long> subjectCounts(String stream, String filter) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    var info = p.nc.jetStreamManagement().getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
    info.getStreamState().getSubjects().forEach(s -> counts.put(s.getName(), s.getCount()));
    return counts;
  }

  private Set<String> eventIds(String stream) throws Exception {
    Set<String> ids = new HashSet<>();
    var jsm = p.nc.jetStreamManagement();
    long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
    for (long s = 1; s <= last; s++) {
      if (EventCodec.decode(jsm.getMessage(stream, s).getData()) instanceof Decoded.Ok ok) ids.add(ok.envelope().id());
    }
    return ids;
  }

}
