package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.StockLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.GatewayProxy.Fault;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.TestHandOffs;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where a payment used to slip between two facts: a charge and its order's cancellation, an outage and a
 * restart, an outage and a token's lifetime. Real nats-server, real psp-sim behind {@link GatewayProxy},
 * and payments instances that a test stops and starts like processes.
 */
class PaymentHolesTest {
  static final long TOTAL = 1_000;
  static final int MAX_ATTEMPTS = 3;
  static final Duration BREAKER_RESET = Duration.ofMillis(500);

  static NatsServer nats;
  static Connection nc;
  static Vertx vertx;
  static JetStreamBridge bridge;
  static WebClient http;
  static int pspPort;
  static GatewayProxy proxy;
  static Settings settings;

  PaymentsInstance payments;

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
    proxy = GatewayProxy.start(vertx, pspPort).await(10, TimeUnit.SECONDS);
    settings = Settings.of(Map.ofEntries(
        Map.entry("psp.url", "http://127.0.0.1:" + proxy.port()),
        Map.entry("payments.gateway-timeout", "8s"),
        Map.entry("payments.breaker.max-failures", "3"),
        Map.entry("payments.breaker.reset-timeout", BREAKER_RESET.toMillis() + "ms"),
        Map.entry("payments.gateway-retries", "1"),
        Map.entry("consumer.max-attempts", String.valueOf(MAX_ATTEMPTS)),
        Map.entry("consumer.backoff", "20ms"),
        Map.entry("consumer.max-backoff", "200ms"),
        // A stopped instance's unsettled messages come back after this, not after the default 30 s.
        Map.entry("consumer.ack-wait", "3s"),
        Map.entry("shutdown.timeout", "2s")));
    Provisioner.from(settings).provision(nc);
  }

  @AfterAll
  static void down() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    nc.close();
    nats.close();
  }

  @BeforeEach
  void healthyGatewayAndOneInstance() throws Exception {
    faults(new JsonObject().put("mode", "ok"));
    payments = PaymentsInstance.start(nats, settings);
  }

  @AfterEach
  void stopInstance() throws Exception {
    if (payments != null) payments.close();
  }

  // --- a charge and its order's cancellation, in either order ---

  @Test
  void aChargeThatLandsAfterItsOrderWasCancelledIsVoided() throws Exception {
    String order = Ids.newOrderId();
    proxy.inject(order, Fault.HELD);
    reserve(order, "tok_visa", Duration.ofHours(1));
    // Payments found the order not ended and is charging; the charge has not reached the gateway yet.
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.holds(order));
    awaitEndedHandled(cancel(order, CancelReason.PROCESSING_FAILED));
    assertThat(charges(order)).as("the cancellation found no charge to void").isEmpty();
    assertThat(voided(order)).isNull();

    proxy.release(order);

    await().atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(voided(order)).as("PaymentVoided of the late charge").isNotNull());
    String chargeId = charges(order).getJsonObject(0).getString("id");
    assertThat(payment(order)).isEqualTo(new Event.PaymentAuthorized(order, chargeId, TOTAL, "EUR"));
    assertThat(voided(order)).isEqualTo(new Event.PaymentVoided(order, chargeId, TOTAL, "EUR"));
    assertThat(charges(order).getJsonObject(0).getBoolean("voided")).isTrue();
  }


  /**
   * The charge lands after the cancellation found nothing to void, and the instance that sent it dies before
   * recording it: the next instance, handling the redelivered reservation of an order that ended CANCELLED,
   * asks the gateway by the order's key and voids what it finds.
   */
  @Test
  void aChargeThatLandsAfterTheCancellationWhileItsInstanceDiesIsVoidedByTheNextInstance() throws Exception {
    String order = Ids.newOrderId();
    proxy.inject(order, Fault.HELD);
    reserve(order, "tok_visa", Duration.ofHours(1));
    long seq = lastSequence(Topology.INVENTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.holds(order));
    awaitEndedHandled(cancel(order, CancelReason.PROCESSING_FAILED));
    assertThat(charges(order)).as("the cancellation found no charge to void").isEmpty();

    payments.close(); // dies between the charge and its record
    payments = null;
    proxy.release(order); // the charge it sent lands at the gateway all the same
    await().atMost(Duration.ofSeconds(10)).until(() -> charges(order).size() == 1);
    payments = PaymentsInstance.start(nats, settings);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var info = nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable());
      assertThat(info.getAckFloor().getStreamSequence()).isGreaterThanOrEqualTo(seq);
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(charges(order).getJsonObject(0).getBoolean("voided")).as("the cancelled order's charge is voided").isTrue());
  }

  @ParameterizedTest
  @EnumSource(CancelReason.class)
  void aCancellationStoredAfterTheAuthorizationVoidsTheChargeWhateverItsReason(CancelReason reason) throws Exception {
    String order = reserve("tok_visa", Duration.ofHours(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> payment(order) instanceof Event.PaymentAuthorized);

    cancel(order, reason);

    await().atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(voided(order)).as("PaymentVoided after a cancellation for " + reason).isNotNull());
    var authorized = (Event.PaymentAuthorized) payment(order);
    assertThat(voided(order)).isEqualTo(new Event.PaymentVoided(order, authorized.chargeId(), TOTAL, "EUR"));
    assertThat(charges(order).getJsonObject(0).getBoolean("voided")).isTrue();
  }

  @Test
  void anOrderThatEndedConfirmedKeepsItsCharge() throws Exception {
    String order = reserve("tok_visa", Duration.ofHours(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> payment(order) instanceof Event.PaymentAuthorized);

    long seq = publishEnded(new Event.OrderConfirmed(order, "c-1", TOTAL, "EUR"));
    awaitEndedHandled(seq);

    assertThat(voided(order)).isNull();
    assertThat(charges(order).getJsonObject(0).getBoolean("voided")).isFalse();
  }

  // --- an outage and restarts ---

  @Test
  void anOutageSpanningRestartsOfEveryInstanceSpendsNoAttemptsSoNothingIsDeadLetteredAndEachOrderIsChargedOnce() throws Exception {
    long openings = breakerOpenings();
    faults(new JsonObject().put("mode", "down"));
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 10; i++) orders.add(reserve("tok_visa", Duration.ofHours(1)));
    long lastReservation = lastSequence(Topology.INVENTORY);
    await().atMost(Duration.ofSeconds(15)).until(() -> breakerOpenings() > openings);

    for (int restart = 0; restart < 2; restart++) {
      payments.close();
      payments = null;
      payments = PaymentsInstance.start(nats, settings);
      awaitDelivered(lastReservation); // every reservation has met the outage
      // Several breaker resets and redeliveries on a fresh instance, which remembers nothing of the waits before.
      holdFor(BREAKER_RESET.multipliedBy(5), () -> {
        assertThat(deadLetterErrors(orders)).isEmpty();
        assertThat(decided(orders)).isZero();
      });
    }
    // The gateway is back but rejects each order's charge until its last attempt: real failures, which count.
    // Had any delivery during the outage been counted as an attempt, before or across the restarts, this
    // would dead-letter the order.
    for (String o : orders) proxy.inject(o, Collections.nCopies(MAX_ATTEMPTS - 1, Fault.REJECTED).toArray(Fault[]::new));
    faults(new JsonObject().put("mode", "ok"));

    await().atMost(Duration.ofSeconds(30))
        .failFast("an order was dead-lettered", () -> assertThat(deadLetterErrors(orders)).isEmpty())
        .until(() -> decided(orders) == orders.size());
    for (String order : orders) {
      assertThat(payment(order)).as(order).isInstanceOf(Event.PaymentAuthorized.class);
      assertThat(charges(order)).as(order).hasSize(1);
    }
  }

  // --- an outage and the token's lifetime ---

  @Test
  void aTokenThatExpiresDuringAnOutageEndsItsOrderAsTokenExpiredWithoutACharge() throws Exception {
    faults(new JsonObject().put("mode", "down"));
    String order = reserve("tok_visa", Duration.ofSeconds(1));
    awaitDelivered(lastSequence(Topology.INVENTORY)); // payments met the outage with this order
    await().atMost(Duration.ofSeconds(10)).until(() -> !handOffPresent(order));
    assertThat(payment(order)).as("nothing decided during the outage").isNull();

    faults(new JsonObject().put("mode", "ok"));

    await().atMost(Duration.ofSeconds(15)).until(() -> payment(order) != null);
    assertThat(payment(order)).isEqualTo(new Event.PaymentDeclined(order, Event.PaymentDeclined.TOKEN_EXPIRED, TOTAL, "EUR"));
    assertThat(charges(order)).isEmpty();
  }

  @Test
  void aChargeMadeBeforeItsTokenExpiredIsFoundAndAuthorizedNotDeclined() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge"));
    // Long enough for the first attempt to charge with it even on a loaded machine.
    String order = reserve("tok_visa", Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> charges(order).size() == 1);
    // The gateway charged and its answer is lost; then it goes down until the token's hand-off is gone.
    faults(new JsonObject().put("mode", "down"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !handOffPresent(order));
    assertThat(payment(order)).as("nothing decided during the outage").isNull();

    faults(new JsonObject().put("mode", "ok"));

    await().atMost(Duration.ofSeconds(15)).until(() -> payment(order) != null);
    String chargeId = charges(order).getJsonObject(0).getString("id");
    assertThat(payment(order)).isEqualTo(new Event.PaymentAuthorized(order, chargeId, TOTAL, "EUR"));
    assertThat(charges(order)).hasSize(1);
  }

  // --- helpers ---

  static String reserve(String token, Duration tokenTtl) throws Exception {
    return reserve(Ids.newOrderId(), token, tokenTtl);
  }

  static String reserve(String order, String token, Duration tokenTtl) throws Exception {
    TestHandOffs.paymentToken(bridge, order, token, tokenTtl);
    var data = new Event.StockReserved(order, List.of(new StockLine("sku-1", 1)), TOTAL, "EUR", TestHandOffs.REQUEST);
    bridge.publish(Envelope.of(data, Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    return order;
  }

  static long cancel(String order, CancelReason reason) throws Exception {
    return publishEnded(new Event.OrderCancelled(order, "c-1", reason, "cancelled by the test"));
  }

  /** Publishes an order's end; returns its sequence in ORDERS. */
  static long publishEnded(Event ended) throws Exception {
    return bridge.publish(Envelope.of(ended, Instant.now(), null, null)).await(5, TimeUnit.SECONDS).getSeqno();
  }

  /** Waits until payments-ended has settled everything up to this ORDERS sequence. */
  static void awaitEndedHandled(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var info = nc.jetStreamManagement().getConsumerInfo(Topology.ORDERS, Topology.PAYMENTS_ENDED.durable());
      assertThat(info.getAckFloor().getStreamSequence()).isGreaterThanOrEqualTo(seq);
      assertThat(info.getNumAckPending()).isZero();
    });
  }

  /** Keeps checking {@code invariant} for {@code period}: a state that must hold throughout, not just at the end. */
  static void holdFor(Duration period, Invariant invariant) {
    long until = System.nanoTime() + period.toNanos();
    await().atMost(period.plusSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
      invariant.check();
      return System.nanoTime() > until;
    });
  }

  interface Invariant {
    void check() throws Exception;
  }

  static Event payment(String order) throws Exception {
    return bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + order).await(5, TimeUnit.SECONDS)
        .filter(StoredEvent::ok).map(e -> e.envelope().data()).orElse(null);
  }

  static long decided(List<String> orders) throws Exception {
    long n = 0;
    for (String o : orders) if (payment(o) != null) n++;
    return n;
  }

  static Event voided(String order) throws Exception {
    return bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + order).await(5, TimeUnit.SECONDS)
        .filter(StoredEvent::ok).map(e -> e.envelope().data()).orElse(null);
  }

  static boolean handOffPresent(String order) throws Exception {
    try {
      nc.jetStreamManagement().getLastMessage(Topology.PAYMENT_TOKENS,
          Subjects.handOff(Subjects.HANDOFF_PAYMENT_TOKEN, order, TestHandOffs.REQUEST));
      return true;
    } catch (JetStreamApiException e) {
      return false; // expired: no message on the subject
    }
  }

  /** Waits until payments-reserved has delivered every message up to this INVENTORY sequence at least once. */
  static void awaitDelivered(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
        nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable())
            .getDelivered().getStreamSequence()).isGreaterThanOrEqualTo(seq));
  }

  static long lastSequence(String stream) throws Exception {
    return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
  }

  /** How often a payments breaker opened, from the transitions on the SYSTEM stream. */
  static long breakerOpenings() throws Exception {
    var jsm = nc.jetStreamManagement();
    long n = 0;
    for (long s = 1; s <= lastSequence(Topology.SYSTEM); s++) {
      if (EventCodec.decode(jsm.getMessage(Topology.SYSTEM, s).getData()) instanceof Decoded.Ok ok
          && ok.envelope().data() instanceof Event.BreakerChanged b && b.state().equals("OPEN")) n++;
    }
    return n;
  }

  /** "subject: error" of each dead letter of these orders' messages. */
  static List<String> deadLetterErrors(List<String> orders) throws Exception {
    return deadLetters(orders).stream().map(m -> m.getHeaders().getFirst(DeadLetters.SUBJECT) + ": "
        + m.getHeaders().getFirst(DeadLetters.ERROR)).toList();
  }

  /** The dead letters (of any consumer) of these orders' messages. */
  static List<MessageInfo> deadLetters(List<String> orders) throws Exception {
    var jsm = nc.jetStreamManagement();
    long last = lastSequence(Topology.DLQ);
    List<MessageInfo> found = new ArrayList<>();
    for (long s = 1; s <= last; s++) {
      MessageInfo m;
      try {
        m = jsm.getMessage(Topology.DLQ, s);
      } catch (JetStreamApiException e) {
        continue; // deleted
      }
      String subject = m.getHeaders() == null ? null : m.getHeaders().getFirst(DeadLetters.SUBJECT);
      if (subject != null && orders.contains(Subjects.lastToken(subject))) found.add(m);
    }
    return found;
  }

  /** The gateway's charges under the order's key (voided ones included, marked). */
  static JsonArray charges(String order) throws Exception {
    JsonObject all = http.get(pspPort, "127.0.0.1", "/admin/ledger").send().await(15, TimeUnit.SECONDS).bodyAsJsonObject();
    JsonObject key = all.getJsonObject("keys").getJsonObject(order);
    return key == null ? new JsonArray() : key.getJsonArray("charges");
  }

  static void faults(JsonObject settings) throws Exception {
    var r = http.post(pspPort, "127.0.0.1", "/admin/faults").sendJsonObject(settings).await(15, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }
}
