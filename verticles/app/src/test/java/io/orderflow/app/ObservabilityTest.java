package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.telemetry.Tracing;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an operator sees, checked against real tools: spans exported over OTLP/HTTP to a receiver that
 * decodes the protobuf, JSON log lines written by the production encoder, {@code /metrics} read by promtool
 * and scraped by a real Prometheus that runs every dashboard query, and an order's timeline. One host runs
 * all five services in one JVM, as {@code ./orderflow run} does; each service still traces under its own name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityTest {
  static final Set<String> SERVICES = Set.of("orders", "inventory", "payments", "notifications", "audit");
  /** Micrometer's JVM names that promtool flags; docs/observability.md lists them. */
  static final Set<String> DOCUMENTED_PROMTOOL_FINDINGS = Set.of("jvm_compilation_time_ms_total", "process_cpu_time_ns_total", "system_cpu_count");
  static final String EMAIL = "grace@example.com";

  Pipeline p;
  OtlpReceiver otlp;
  GatewayRecorder gateway;
  JsonLogCapture logs;
  PrometheusServer prometheus;
  int api;
  int mgmt;
  String orderId;
  String traceId;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    otlp = OtlpReceiver.start(p.clientVertx);
    gateway = GatewayRecorder.start(p.clientVertx, p.pspPort());
    p.with("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())
        .with("OTEL_BSP_SCHEDULE_DELAY", "100")
        .with("ORDERFLOW_PSP_URL", gateway.url())
        .with("ORDERFLOW_METRICS_INTERVAL", "1s");
    logs = JsonLogCapture.attach();
    ServiceHost host = p.host("all");
    api = host.publicPort();
    mgmt = host.managementPort();
    prometheus = PrometheusServer.start(List.of("127.0.0.1:" + mgmt), ProjectFiles.alerts());
    var stock = p.call(HttpMethod.PUT, api, "/inventory/SKU-OBS", new JsonObject().put("priceCents", 700).put("available", 100), Map.of());
    assertThat(stock.statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    if (logs != null) logs.close();
    if (prometheus != null) prometheus.close();
    if (otlp != null) otlp.close();
    if (gateway != null) gateway.close();
    if (p != null) p.close();
  }

  @Test
  @Order(1)
  void oneOrderIsOneTraceAcrossTheFiveServicesWithCorrectParents() {
    String clientTrace = hex(16);
    String clientSpan = hex(8);
    var placed = p.call(HttpMethod.POST, api, "/orders", order("tok_visa", 1),
        Map.of("traceparent", "00-" + clientTrace + "-" + clientSpan + "-01"));
    assertThat(placed.statusCode()).isEqualTo(202);
    orderId = placed.bodyAsJsonObject().getString("orderId");
    awaitStatus(orderId, "CONFIRMED");
    traceId = clientTrace;

    // Each service exports its own batches: wait until the trace has all five services, its last steps
    // (the mail's event and its audit) and every span's parent; then check what the spans say.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var spans = otlp.trace(clientTrace);
      var ids = spans.stream().map(OtlpReceiver.ReceivedSpan::spanId).collect(Collectors.toSet());
      assertThat(spans).extracting(OtlpReceiver.ReceivedSpan::service).containsAll(SERVICES);
      assertThat(spans).anyMatch(s -> s.service().equals("notifications") && s.name().equals("send orderflow.notification.sent.v1"));
      assertThat(spans).anyMatch(s -> s.service().equals("audit") && "orderflow.notification.sent.v1".equals(s.attributes().get("orderflow.event_type")));
      assertThat(spans).filteredOn(s -> s.kind() != SpanKind.SPAN_KIND_SERVER).allMatch(s -> ids.contains(s.parentSpanId()));
    });
    var trace = otlp.trace(clientTrace);
    Map<String, OtlpReceiver.ReceivedSpan> byId = trace.stream().collect(Collectors.toMap(OtlpReceiver.ReceivedSpan::spanId, s -> s));

    assertThat(trace).extracting(OtlpReceiver.ReceivedSpan::service).containsAll(SERVICES);
    var server = trace.stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_SERVER).toList();
    assertThat(server).singleElement().satisfies(s -> {
      assertThat(s.service()).isEqualTo("orders");
      assertThat(s.name()).isEqualTo("POST /orders");
      assertThat(s.parentSpanId()).as("continues the client's trace").isEqualTo(clientSpan);
    });
    for (var span : trace) {
      if (span.kind() == SpanKind.SPAN_KIND_SERVER) continue;
      var parent = byId.get(span.parentSpanId());
      assertThat(parent).as("parent of %s %s (%s)", span.service(), span.name(), span.kind()).isNotNull();
      switch (span.kind()) {
        case SPAN_KIND_PRODUCER -> assertThat(parent.kind()).as("publisher of %s", span.name())
            .isIn(SpanKind.SPAN_KIND_SERVER, SpanKind.SPAN_KIND_CONSUMER);
        case SPAN_KIND_CONSUMER -> {
          assertThat(parent.kind()).as("%s is parented on the publish", span.name()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
          assertThat(parent.attributes().get("messaging.message.id")).isEqualTo(span.attributes().get("messaging.message.id"));
        }
        case SPAN_KIND_CLIENT -> {
          assertThat(span.service()).isEqualTo("payments");
          assertThat(parent.name()).isEqualTo("process payments-reserved");
        }
        default -> throw new AssertionError("unexpected span " + span);
      }
    }
    // Every stored event names its publish span in the CloudEvents traceparent.
    JsonArray events = p.get(api, "/orders/" + orderId + "/events").bodyAsJsonArray();
    assertThat(events).hasSize(6);
    for (Object o : events) {
      JsonObject event = (JsonObject) o;
      var publish = byId.get(Tracing.spanId(event.getString("traceparent")));
      assertThat(publish).as("publish span of %s", event.getString("type")).isNotNull();
      assertThat(publish.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
      assertThat(publish.attributes().get("messaging.message.id")).isEqualTo(event.getString("id"));
    }
    // The gateway call carried its CLIENT span's context to psp-sim.
    var clients = trace.stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT).toList();
    assertThat(clients).isNotEmpty();
    for (var client : clients) {
      assertThat(gateway.traceparents()).contains("00-" + clientTrace + "-" + client.spanId() + "-01");
    }
    assertThat(otlp.problems()).as("requests that were not OTLP/HTTP protobuf trace exports").isEmpty();
  }

  /** The lines that record the order's own flow: its handling by every consumer, and the request that placed it. */
  @Test
  @Order(2)
  void everyServiceLogsTheOrderWithItsTraceIdInJsonLines() {
    List<JsonObject> ofOrder = new ArrayList<>();
    for (String line : logs.lines()) {
      assertThat(line).as("one JSON object per line").endsWith(System.lineSeparator());
      assertThat(line.strip()).doesNotContain("\n");
      JsonObject json = new JsonObject(line);
      assertThat(json.fieldNames()).contains("time", "level", "service", "logger", "message");
      assertThat(line).as("no address in a log line").doesNotContain(EMAIL);
      if (!orderId.equals(json.getString("order_id"))) continue;
      // Reading an order (GET /orders/{id}) is a trace of its own; placing it and handling its events are the order's.
      boolean reading = json.getString("logger").equals("orderflow.http") && !json.getString("message").startsWith("POST /orders ");
      if (!reading) ofOrder.add(json);
    }
    assertThat(ofOrder).filteredOn(j -> j.getString("logger").equals("orderflow.messages"))
        .extracting(j -> j.getString("service")).containsAll(SERVICES);
    assertThat(ofOrder).filteredOn(j -> j.getString("logger").equals("orderflow.http")).hasSize(1);
    // The INFO lines a handler writes from its callbacks (not only the runner's DEBUG lines) carry the trace too.
    assertThat(ofOrder).anySatisfy(j -> assertThat(j.getString("message")).startsWith("order " + orderId + ": authorized"));
    assertThat(ofOrder).allSatisfy(j -> {
      assertThat(j.getString("trace_id")).as(j.encode()).isEqualTo(traceId);
      assertThat(j.getString("span_id")).hasSize(16);
    });
  }

  @Test
  @Order(3)
  void everyNamedMetricIsOnTheManagementPortAndMovesWhenOrdersFlow() {
    Map<String, Double> before = scrape();
    List<String> ids = new ArrayList<>();
    ids.add(place(order("tok_visa", 1)));
    ids.add(place(order("tok_chargeDeclined", 1)));
    ids.add(place(order("tok_visa", 500)));
    assertThat(p.call(HttpMethod.POST, api, "/orders", new JsonObject().put("customerId", "c-obs"), Map.of()).statusCode()).isEqualTo(400);
    for (String id : ids) awaitEnded(id);
    List<String> moving = List.of(
        "orders_placed_total",
        "orders_ended_total{reason=\"none\",status=\"confirmed\"}",
        "orders_ended_total{reason=\"payment_declined\",status=\"cancelled\"}",
        "orders_ended_total{reason=\"out_of_stock\",status=\"cancelled\"}",
        "order_completion_seconds_count{status=\"confirmed\"}",
        "order_completion_seconds_count{status=\"cancelled\"}",
        "payment_process_duration_seconds_count{status=\"authorized\"}",
        "payment_process_duration_seconds_count{status=\"declined\"}",
        "http_server_requests_seconds_count{code=\"202\",method=\"POST\",route=\"/orders\"}",
        "http_server_requests_seconds_count{code=\"400\",method=\"POST\",route=\"/orders\"}",
        "consumer_messages_processed_total{consumer=\"payments-reserved\"}",
        "consumer_messages_processed_total{consumer=\"inventory-orders\"}",
        "consumer_handling_seconds_count{consumer=\"notifications-ended\"}");
    // The orders ended; their mails and audit entries may still be on their way: scrape until all moved.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Map<String, Double> now = scrape();
      for (String moved : moving) assertThat(value(now, moved)).as(moved).isGreaterThan(before.getOrDefault(moved, 0.0));
    });
    Map<String, Double> after = scrape();
    for (String le : List.of("0.1", "0.3", "1.0", "3.0")) {
      assertThat(after).containsKey("payment_process_duration_seconds_bucket{status=\"authorized\",le=\"" + le + "\"}");
    }
    for (String present : List.of(
        "consumer_pending_messages{consumer=\"payments-reserved\",stream=\"INVENTORY\"}",
        "consumer_ack_pending_messages{consumer=\"payments-reserved\",stream=\"INVENTORY\"}",
        "consumer_messages_failed_total{consumer=\"payments-reserved\"}",
        "consumer_messages_redelivered_total{consumer=\"payments-reserved\"}",
        "dlq_messages{consumer=\"payments-reserved\"}",
        "circuit_breaker_transitions_total{breaker=\"psp\",state=\"open\"}",
        "order_completion_seconds_bucket{status=\"confirmed\",le=\"5.0\"}")) {
      assertThat(after).as(present).containsKey(present);
    }
    assertThat(value(after, "circuit_breaker_state{breaker=\"psp\",state=\"closed\"}")).isEqualTo(1.0);
    assertThat(value(after, "service_ready")).isEqualTo(1.0);
    assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
    assertThat(after.keySet()).as("management requests are not API traffic")
        .noneMatch(k -> k.startsWith("http_server_requests") && (k.contains("/metrics") || k.contains("/ready")));
    assertThat(p.get(api, "/metrics").statusCode()).as("/metrics on the public port").isEqualTo(404);

    String text = p.get(mgmt, "/metrics").bodyAsString();
    var promtool = Promtool.runWithInput(text, "check", "metrics");
    List<String> findings = promtool.output().lines().filter(l -> !l.isBlank()).toList();
    assertThat(findings).as("promtool check metrics").allSatisfy(f ->
        assertThat(DOCUMENTED_PROMTOOL_FINDINGS).anyMatch(f::startsWith));
  }

  @Test
  @Order(4)
  void everyDashboardQueryReturnsDataFromARealPrometheus() throws Exception {
    List<String> queries = new ArrayList<>();
    for (JsonObject panel : ProjectFiles.panels()) {
      for (JsonObject target : ProjectFiles.objects(panel.getJsonArray("targets"))) {
        queries.add(panel.getString("title") + " :: " + ProjectFiles.substituted(target.getString("expr")));
      }
    }
    assertThat(queries).hasSizeGreaterThan(10);
    // Rates need two scrapes after the orders; a few more orders keep every counter moving meanwhile.
    place(order("tok_visa", 1));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<String> empty = new ArrayList<>();
      for (String q : queries) {
        if (prometheus.query(q.substring(q.indexOf(" :: ") + 4)).isEmpty()) empty.add(q);
      }
      assertThat(empty).as("dashboard queries without data").isEmpty();
    });
    assertThat(prometheus.targetHealth()).containsOnly("up");
    assertThat(prometheus.unhealthyRules()).as("alert rules that fail to evaluate").isEmpty();
  }

  @Test
  @Order(5)
  void theTimelineShowsEveryStepAndWhereAStuckOrderWaits() {
    JsonObject done = p.get(api, "/orders/" + orderId + "/timeline").bodyAsJsonObject();
    assertThat(done.getString("traceId")).isEqualTo(traceId);
    assertThat(done.getBoolean("complete")).isTrue();
    assertThat(done.getJsonArray("waitingFor")).isEmpty();
    List<JsonObject> steps = ProjectFiles.objects(done.getJsonArray("steps"));
    assertThat(steps).extracting(s -> s.getString("service"))
        .startsWith("orders", "inventory", "payments", "orders").contains("notifications");
    assertThat(steps.get(0).containsKey("deliveryAttempts")).as("placing is a request, not a delivery").isFalse();
    assertThat(steps.subList(1, steps.size())).allSatisfy(s -> {
      assertThat(s.getInteger("deliveryAttempts")).isEqualTo(1);
      assertThat(s.getLong("sincePreviousMs")).isNotNegative();
      assertThat(s.getString("time")).isNotBlank();
    });

    String deferred = "consumer_messages_deferred_total{consumer=\"payments-reserved\"}";
    double deferredBefore = value(scrape(), deferred);
    setGateway("down");
    try {
      String stuck = place(order("tok_visa", 1));
      // The charge failed and the order was put back to wait (an outage, not a failure of the order).
      await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(), deferred) > deferredBefore);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonObject t = p.get(api, "/orders/" + stuck + "/timeline").bodyAsJsonObject();
        assertThat(t.getBoolean("complete")).isFalse();
        assertThat(ProjectFiles.objects(t.getJsonArray("steps"))).extracting(s -> s.getString("service")).containsExactly("orders", "inventory");
        JsonObject waiting = t.getJsonArray("waitingFor").getJsonObject(0);
        assertThat(waiting.getString("service")).isEqualTo("payments");
        assertThat(waiting.getString("consumer")).isEqualTo("payments-reserved");
        assertThat(waiting.getJsonObject("message").getString("state")).isIn("queued", "delivered");
      });
      setGateway("ok");
      awaitStatus(stuck, "CONFIRMED");
      JsonObject t = p.get(api, "/orders/" + stuck + "/timeline").bodyAsJsonObject();
      JsonObject payment = ProjectFiles.objects(t.getJsonArray("steps")).stream()
          .filter(s -> s.getString("event").equals("orderflow.payment.authorized.v1")).findFirst().orElseThrow();
      assertThat(payment.getInteger("deliveryAttempts")).as("the charge came after redeliveries").isGreaterThan(1);
    } finally {
      setGateway("ok");
    }
    assertThat(p.get(api, "/orders/" + io.orderflow.codecs.Ids.newOrderId() + "/timeline").statusCode()).isEqualTo(404);
  }

  // ---- helpers --------------------------------------------------------------------------------

  static JsonObject order(String token, int quantity) {
    return new JsonObject().put("customerId", "c-obs").put("email", EMAIL).put("paymentToken", token)
        .put("items", new JsonArray().add(new JsonObject().put("sku", "SKU-OBS").put("quantity", quantity)));
  }

  String place(JsonObject body) {
    var r = p.call(HttpMethod.POST, api, "/orders", body, Map.of());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    return r.bodyAsJsonObject().getString("orderId");
  }

  void awaitStatus(String id, String status) {
    await().atMost(Duration.ofSeconds(60)).until(() -> status.equals(p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status")));
  }

  void awaitEnded(String id) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !"PENDING".equals(p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status")));
  }

  void setGateway(String mode) {
    var r = p.call(HttpMethod.POST, p.pspPort(), "/admin/faults", new JsonObject().put("mode", mode), Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  /** The management port's /metrics as "name{labels}" -> value, labels as Micrometer writes them. */
  Map<String, Double> scrape() {
    var r = p.get(mgmt, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> out = new HashMap<>();
    r.bodyAsString().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
      int space = l.lastIndexOf(' ');
      out.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
    });
    return out;
  }

  static double value(Map<String, Double> metrics, String key) {
    assertThat(metrics).as("metric %s", key).containsKey(key);
    return metrics.get(key);
  }

  static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zeros: an invalid W3C id
    return HexFormat.of().formatHex(b);
  }
}
