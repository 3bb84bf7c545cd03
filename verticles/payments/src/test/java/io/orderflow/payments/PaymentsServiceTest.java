package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.EventType;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.StockLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.GatewayProxy.Fault;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.telemetry.Tracing;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The payments service against a real nats-server, the provisioned topology and a real psp-sim. */
class PaymentsServiceTest {
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final long TOTAL = 2_500;

  static NatsServer nats;
  static Connection nc;
  static Vertx vertx;
  static JetStreamBridge bridge;
  static GatewayProxy proxy;
  static WebClient http;
  static int pspPort;
  static LogCapture logs;

  @BeforeAll
  static void up() throws Exception {
    logs = new LogCapture();
    nats = NatsServer.start();
    nc = nats.connect();
    vertx = Vertx.vertx();
    bridge = new JetStreamBridge(vertx, nc);
    http = WebClient.create(vertx);
    PspSimVerticle psp = new PspSimVerticle(0);
    vertx.deployVerticle(psp).await(10, TimeUnit.SECONDS);
    pspPort = psp.actualPort();
    proxy = GatewayProxy.start(vertx, pspPort).await(10, TimeUnit.SECONDS);
    Settings settings = Settings.of(Map.of(
        "psp.url", "http://127.0.0.1:" + proxy.port(),
        "payments.gateway-timeout", "2s",
        "consumer.max-attempts", "4",
        "consumer.backoff", "20ms",
        "consumer.max-backoff", "200ms"));
    Provisioner.from(settings).provision(nc);
    var ctx = ServiceContext.standalone("payments", vertx, settings, new JetStreamBridge(vertx, nc), Router.router(vertx));
    new PaymentsService().start(ctx).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void down() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    nc.close();
    nats.close();
    logs.close();
  }

  @Test
  void aValidTokenIsChargedOnceAndAuthorized() throws Exception {
    Envelope reserved = reserve("tok_visa");
    String order = reserved.subject();

    Envelope payment = awaitPayment(order);

    JsonObject ledger = ledger(order);
    assertThat(ledger.getJsonArray("charges")).hasSize(1);
    String chargeId = ledger.getJsonArray("charges").getJsonObject(0).getString("id");
    assertThat(payment.data()).isEqualTo(new Event.PaymentAuthorized(order, chargeId, TOTAL, "EUR"));
    assertThat(ledger.getJsonArray("charges").getJsonObject(0).getLong("amountCents")).isEqualTo(TOTAL);
    assertThat(payment.causationId()).isEqualTo(reserved.id());
    // The same trace, in a span of its own: what a handler publishes continues its trigger's trace.
    assertThat(Tracing.traceId(payment.traceparent())).isEqualTo(Tracing.traceId(TRACEPARENT));
    assertThat(Tracing.spanId(payment.traceparent())).isNotEqualTo(Tracing.spanId(TRACEPARENT));
    assertThat(payment.deliveryAttempt()).as("made on the trigger's first delivery").isEqualTo(1);
  }

  @Test
  void aDeclinedCardIsDeclinedWithTheGatewaysCodeAndNotCharged() throws Exception {
    String order = reserve("tok_chargeDeclined").subject();

    Envelope payment = awaitPayment(order);

    assertThat(payment.data()).isEqualTo(new Event.PaymentDeclined(order, "card_declined", TOTAL, "EUR"));
    assertThat(ledger(order).getJsonArray("charges")).isEmpty();
    JsonObject lookup = http.get(pspPort, "127.0.0.1", "/v1/charges").addQueryParam("idempotencyKey", order)
        .send().await(5, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(lookup.getString("status")).isEqualTo("declined");
  }

  @Test
  void insufficientFundsIsDeclinedAsInsufficientFunds() throws Exception {
    String order = reserve("tok_chargeDeclinedInsufficientFunds").subject();

    assertThat(awaitPayment(order).data())
        .isEqualTo(new Event.PaymentDeclined(order, "insufficient_funds", TOTAL, "EUR"));
  }

  @Test
  void aMissingTokenIsDeclinedAsTokenUnavailableWithoutCallingTheGateway() throws Exception {
    String order = reserve(null).subject();

    assertThat(awaitPayment(order).data())
        .isEqualTo(new Event.PaymentDeclined(order, Event.PaymentDeclined.TOKEN_EXPIRED, TOTAL, "EUR"));
    assertThat(proxy.requests(order)).isZero();
  }

  @Test
  void aDuplicatedReservationUnderANewMessageIdIsNeitherChargedNorPublishedAgain() throws Exception {
    Envelope reserved = reserve("tok_visa");
    String order = reserved.subject();
    Envelope first = awaitPayment(order);
    int gatewayRequests = proxy.requests(order);
    int ledgerRequests = ledger(order).getInteger("requests");

    PublishAck duplicate = bridge.publishRaw(reserved.natsSubject(), new Headers(), EventCodec.encode(reserved),
        PublishOptions.builder().messageId("replayed-" + reserved.id()).build()).await(5, TimeUnit.SECONDS);
    assertThat(duplicate.isDuplicate()).isFalse();
    awaitHandled(duplicate.getSeqno());

    assertThat(proxy.requests(order)).isEqualTo(gatewayRequests);
    assertThat(ledger(order).getInteger("requests")).isEqualTo(ledgerRequests);
    assertThat(ledger(order).getJsonArray("charges")).hasSize(1);
    assertThat(paymentMessages(order)).isEqualTo(1);
    assertThat(awaitPayment(order).id()).isEqualTo(first.id());
  }

  @Test
  void aGatewayOutageIsRetriedUntilTheChargeGoesThroughOnce() throws Exception {
    String order = Ids.newOrderId();
    proxy.inject(order, Fault.UNAVAILABLE, Fault.UNAVAILABLE);
    reserve(order, "tok_visa");

    Envelope payment = awaitPayment(order);

    assertThat(payment.data()).isInstanceOf(Event.PaymentAuthorized.class);
    assertThat(proxy.requests(order)).isEqualTo(3);
    assertThat(ledger(order).getInteger("requests")).isEqualTo(1);
    assertThat(ledger(order).getJsonArray("charges")).hasSize(1);
  }

  @Test
  void aChargeWhoseAnswerTimedOutIsFoundAtTheGatewayNotChargedTwice() throws Exception {
    String order = Ids.newOrderId();
    proxy.inject(order, Fault.NO_ANSWER);
    reserve(order, "tok_visa");

    Envelope payment = awaitPayment(order);

    JsonObject ledger = ledger(order);
    // The retry asks the gateway for the charge made under the order's key before charging again.
    assertThat(ledger.getInteger("requests")).isEqualTo(1);
    assertThat(ledger.getJsonArray("charges")).hasSize(1);
    String chargeId = ledger.getJsonArray("charges").getJsonObject(0).getString("id");
    assertThat(((Event.PaymentAuthorized) payment.data()).chargeId()).isEqualTo(chargeId);
  }

  @Test
  void aChargeTheGatewayRejectsIsDeadLetteredAfterTheRetriesAndDecidesNothing() throws Exception {
    String secret = "tok_unknownSecret_4242";
    Envelope reserved = reserve(secret);
    String order = reserved.subject();
    long seq = nc.jetStreamManagement().getLastMessage(Topology.INVENTORY, reserved.natsSubject()).getSeq();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var dead = lastMessage(Topology.DLQ, Subjects.DLQ + "." + Topology.PAYMENTS_RESERVED.durable());
      assertThat(dead).isPresent();
      assertThat(dead.get().getHeaders().getFirst(DeadLetters.STREAM_SEQ)).isEqualTo(String.valueOf(seq));
      assertThat(dead.get().getHeaders().getFirst(DeadLetters.ERROR)).contains("rejected").doesNotContain(secret);
    });
    assertThat(proxy.requests(order)).isEqualTo(4);
    assertThat(paymentMessages(order)).isZero();
    assertThat(logs.lines()).noneMatch(line -> line != null && line.contains(secret));
  }

  // --- helpers ---

  static Envelope reserve(String token) throws Exception {
    return reserve(Ids.newOrderId(), token);
  }

  static Envelope reserve(String order, String token) throws Exception {
    if (token != null) {
      io.orderflow.runtime.HandOffs.paymentToken(bridge, order, token);
    }
    var data = new Event.StockReserved(order, List.of(new StockLine("sku-1", 2), new StockLine("sku-2", 1)), TOTAL, "EUR");
    Envelope reserved = Envelope.of(data, Instant.now(), TRACEPARENT, Ids.eventId(order, EventType.ORDER_PLACED));
    bridge.publish(reserved).await(5, TimeUnit.SECONDS);
    return reserved;
  }

  static Envelope awaitPayment(String order) {
    return await().atMost(Duration.ofSeconds(15)).until(() -> {
      Optional<StoredEvent> e = bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + order).await(5, TimeUnit.SECONDS);
      return e.filter(StoredEvent::ok).map(StoredEvent::envelope).orElse(null);
    }, p -> p != null);
  }

  /** Waits until the payments consumer has delivered and settled everything up to this stream sequence. */
  static void awaitHandled(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var info = nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable());
      assertThat(info.getDelivered().getStreamSequence()).isGreaterThanOrEqualTo(seq);
      assertThat(info.getNumAckPending()).isZero();
      assertThat(info.getNumPending()).isZero();
    });
  }

  static long paymentMessages(String order) throws Exception {
    String subject = Subjects.PAYMENTS + "." + order;
    var state = nc.jetStreamManagement()
        .getStreamInfo(Topology.PAYMENTS, StreamInfoOptions.filterSubjects(subject)).getStreamState();
    return state.getSubjects().stream().filter(s -> s.getName().equals(subject)).mapToLong(s -> s.getCount()).sum();
  }

  static Optional<MessageInfo> lastMessage(String stream, String subject) throws Exception {
    try {
      return Optional.of(nc.jetStreamManagement().getLastMessage(stream, subject));
    } catch (JetStreamApiException e) {
      return Optional.empty(); // nothing on that subject yet
    }
  }

  static JsonObject ledger(String order) throws Exception {
    JsonObject all = http.get(pspPort, "127.0.0.1", "/admin/ledger").send().await(5, TimeUnit.SECONDS).bodyAsJsonObject();
    JsonObject key = all.getJsonObject("keys").getJsonObject(order);
    return key == null ? new JsonObject().put("requests", 0).put("charges", new JsonArray()) : key;
  }
}
