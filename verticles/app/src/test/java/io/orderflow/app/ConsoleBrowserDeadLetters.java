package io.orderflow.app;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The browser script's hook into the system under test, on a loopback port: {@code POST /dead-letter} makes a dead
 * letter the way a real fault does and answers {@code {"orderId","sequence","consumer"}} once the DLQ holds it.
 * <p>
 * The fault: the order's payment record is unreadable before the order is placed (as in the chaos scenario
 * DlqReplayLate), so payments refuses to charge over it, fails the order's StockReserved on every delivery, and its
 * consumer runner dead-letters it. The record is then repaired (deleted), as an operator would before a replay.
 * Orders' own dead-letter consumer is paused on the server meanwhile, as when orders is behind on it: otherwise it
 * would cancel the order at once (PROCESSING_FAILED) and a replay could change nothing the console shows. So the
 * order is PENDING while its dead letter is listed, and only the console's Replay can end it (CONFIRMED).
 */
final class ConsoleBrowserDeadLetters implements AutoCloseable {
  private static final byte[] UNREADABLE = "{\"specversion\":\"1.0\",\"id\":".getBytes(StandardCharsets.UTF_8);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final Pipeline p;
  private final int api;
  private final int mgmt;
  private final String sku;
  private final HttpServer server;
  private volatile boolean paused;

  private ConsoleBrowserDeadLetters(Pipeline p, int api, int mgmt, String sku) throws IOException {
    this.p = p;
    this.api = api;
    this.mgmt = mgmt;
    this.sku = sku;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/dead-letter", this::deadLetter);
    server.start();
  }

  static ConsoleBrowserDeadLetters serve(Pipeline p, int api, int mgmt, String sku) throws IOException {
    return new ConsoleBrowserDeadLetters(p, api, mgmt, sku);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void deadLetter(HttpExchange exchange) throws IOException {
    int status = 200;
    JsonObject body;
    try {
      if (!exchange.getRequestMethod().equals("POST")) throw new IllegalArgumentException("POST only");
      body = make();
    } catch (Throwable e) {
      status = 500;
      body = new JsonObject().put("error", e.toString());
      System.out.println("the test's dead letter failed: " + e);
    }
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A dead letter of payments-reserved for a new order that stays PENDING until it is replayed. */
  private JsonObject make() throws Exception {
    String customer = "c-console-dead-letter";
    String key = UUID.randomUUID().toString();
    String orderId = Ids.orderIdForIdempotencyKey(customer, key);
    var jsm = p.nc.jetStreamManagement();
    jsm.pauseConsumer(Topology.ORDERS_DLQ.stream(), Topology.ORDERS_DLQ.durable(), ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(5));
    paused = true;
    PublishAck record = p.nc.jetStream().publish(NatsMessage.builder().subject(Subjects.PAYMENTS + "." + orderId).data(UNREADABLE).build());

    var placed = p.call(HttpMethod.POST, api, "/orders", Orders.order(customer, "tok_visa", sku, 1), Map.of("Idempotency-Key", key));
    if (placed.statusCode() != 202) throw new IllegalStateException("POST /orders: " + placed.statusCode() + " " + placed.bodyAsString());
    if (!orderId.equals(placed.bodyAsJsonObject().getString("orderId"))) {
      throw new IllegalStateException("the order got id " + placed.bodyAsJsonObject().getString("orderId") + ", not " + orderId);
    }
    String consumer = Topology.PAYMENTS_RESERVED.durable();
    JsonObject letter = await("payments-reserved's dead letter of " + orderId).atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
        .until(() -> find(consumer, orderId), Optional::isPresent).orElseThrow();
    // The cause repaired: a replay can charge now.
    jsm.deleteMessage(record.getStream(), record.getSeqno());
    return new JsonObject().put("orderId", orderId).put("sequence", letter.getLong("sequence")).put("consumer", consumer);
  }

  private Optional<JsonObject> find(String consumer, String orderId) {
    var listed = p.get(mgmt, "/admin/dlq?limit=100");
    if (listed.statusCode() != 200) throw new IllegalStateException("GET /admin/dlq: " + listed.statusCode() + " " + listed.bodyAsString());
    return listed.bodyAsJsonArray().stream().map(JsonObject.class::cast)
        .filter(l -> consumer.equals(l.getString("consumer")) && l.getString("subject", "").endsWith("." + orderId))
        .findFirst();
  }

  /** Stops the hook and lets orders' dead-letter consumer go on (its pause would end by itself anyway). */
  @Override
  public void close() throws Exception {
    server.stop(0);
    if (paused) p.nc.jetStreamManagement().resumeConsumer(Topology.ORDERS_DLQ.stream(), Topology.ORDERS_DLQ.durable());
  }
}
