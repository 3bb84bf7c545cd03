package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.StockLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gateway failures make orders wait, never fail; unknown outcomes are resolved without a second charge. */
class GatewayOutageTest {
  static NatsServer nats;
  static Connection nc;
  static Vertx vertx;
  static JetStreamBridge bridge;
  static WebClient http;
  static int pspPort;

  @BeforeAll
  static void up() throws Exception {
    nats = NatsServer.start();
    nc = nats.connect();
    vertx = Vertx.vertx();
    bridge = new JetStreamBridge(vertx, nc);
    http = WebClient.create(vertx);
    PspSimVerticle psp = new PspSimVerticle(0);
    vertx.deployVerticle(psp).await(10, TimeUnit.SECONDS);
    pspPort = psp.actualPort();
    Settings settings = Settings.of(Map.of(
        "psp.url", "http://127.0.0.1:" + pspPort,
        "payments.gateway-timeout", "500ms",
        "payments.breaker.max-failures", "3",
        "payments.breaker.reset-timeout", "500ms",
        "payments.gateway-retries", "1",
        "consumer.max-attempts", "3",
        "consumer.backoff", "20ms",
        "consumer.max-backoff", "200ms"));
    Provisioner.from(settings).provision(nc);
    new PaymentsService().start(ServiceContext.standalone("payments", vertx, settings, bridge, Router.router(vertx)))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void down() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    nc.close();
    nats.close();
  }

  @BeforeEach
  void healthyGateway() throws Exception {
    faults(new JsonObject().put("mode", "ok"));
  }

  @Test
  void ordersWaitThroughALongOutageAndAreChargedOnceAfterRecovery() throws Exception {
    faults(new JsonObject().put("mode", "down"));
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) orders.add(reserve("tok_visa"));

    await().atMost(Duration.ofSeconds(10)).until(() -> breakerStates().contains("OPEN"));
    // Ten times the reset timeout: half-open probes fail, orders keep waiting, nothing is dead-lettered.
    long until = System.currentTimeMillis() + 5_000;
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
      assertThat(dlqSize()).isZero();
      assertThat(decided(orders)).isZero();
      return System.currentTimeMillis() > until;
    });
    var waiting = nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable());
    assertThat(waiting.getNumPending() + waiting.getNumAckPending()).as("orders wait in JetStream").isPositive();

    faults(new JsonObject().put("mode", "ok"));
    await().atMost(Duration.ofSeconds(30)).until(() -> decided(orders) == orders.size());
    assertThat(breakerStates()).contains("OPEN", "HALF_OPEN", "CLOSED");
    assertThat(dlqSize()).isZero();
    JsonObject keys = ledger().getJsonObject("keys");
    for (String order : orders) {
      assertThat(payment(order)).isInstanceOf(Event.PaymentAuthorized.class);
      assertThat(keys.getJsonObject(order).getJsonArray("charges")).as(order).hasSize(1);
    }
  }

  @Test
  void aChargeWhoseAnswerNeverCameIsFoundNotRepeatedEvenWithoutGatewayIdempotency() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge").put("idempotency", false));
    String order = reserve("tok_visa");
    await().atMost(Duration.ofSeconds(20)).until(() -> decided(List.of(order)) == 1);
    assertThat(payment(order)).isInstanceOf(Event.PaymentAuthorized.class);
    assertThat(ledger().getJsonObject("keys").getJsonObject(order).getJsonArray("charges")).hasSize(1);
  }

  @Test
  void aChargeIsVoidedWhenItsOrderIsCancelledAfterADeadLetter() throws Exception {
    String order = reserve("tok_visa");
    await().atMost(Duration.ofSeconds(10)).until(() -> decided(List.of(order)) == 1);
    var cancelled = new Event.OrderCancelled(order, "c-1", CancelReason.PROCESSING_FAILED, "orders-payments: boom");
    bridge.publish(Envelope.of(cancelled, Instant.now(), null, null)).await(5, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + order).await(5, TimeUnit.SECONDS).isPresent());
    var charge = ledger().getJsonObject("keys").getJsonObject(order).getJsonArray("charges").getJsonObject(0);
    assertThat(charge.getBoolean("voided")).isTrue();
  }

  static String reserve(String token) throws Exception {
    String order = Ids.newOrderId();
    io.orderflow.runtime.TestHandOffs.paymentToken(bridge, order, token);
    var data = new Event.StockReserved(order, List.of(new StockLine("sku-1", 1)), 1000, "EUR", io.orderflow.runtime.TestHandOffs.REQUEST);
    bridge.publish(Envelope.of(data, Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    return order;
  }

  static long decided(List<String> orders) throws Exception {
    long n = 0;
    for (String o : orders) if (payment(o) != null) n++;
    return n;
  }

  static Event payment(String order) throws Exception {
    return bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + order).await(5, TimeUnit.SECONDS)
        .filter(StoredEvent::ok).map(e -> e.envelope().data()).orElse(null);
  }

  static List<String> breakerStates() throws Exception {
    List<String> states = new ArrayList<>();
    var jsm = nc.jetStreamManagement();
    long last = jsm.getStreamInfo(Topology.SYSTEM).getStreamState().getLastSequence();
    for (long s = 1; s <= last; s++) {
      if (EventCodec.decode(jsm.getMessage(Topology.SYSTEM, s).getData()) instanceof Decoded.Ok ok
          && ok.envelope().data() instanceof Event.BreakerChanged b) states.add(b.state());
    }
    return states;
  }

  static long dlqSize() throws Exception {
    return nc.jetStreamManagement().getStreamInfo(Topology.DLQ).getStreamState().getMsgCount();
  }

  static void faults(JsonObject settings) throws Exception {
    var r = http.post(pspPort, "127.0.0.1", "/admin/faults").sendJsonObject(settings).await(5, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  static JsonObject ledger() throws Exception {
    return http.get(pspPort, "127.0.0.1", "/admin/ledger").send().await(5, TimeUnit.SECONDS).bodyAsJsonObject();
  }
}
