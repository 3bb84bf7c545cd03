package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.PublishOptions;
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
import io.orderflow.runtime.telemetry.Tracing;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

  static LogCapture logs;

  static PaymentsTestbed bed;

  @BeforeAll
  static void up() throws Exception {
    logs = new LogCapture();
    bed = PaymentsTestbed.start();
    Settings settings = Settings.of(Map.of(
        "psp.url", bed.gatewayUrl(),
        // Well above a loaded machine's slowest answer: a timed-out call is retried, which would blur the request counts.
        "payments.gateway-timeout", "5s",
        "consumer.max-attempts", "4",
        "consumer.backoff", "20ms",
        "consumer.max-backoff", "200ms"));
    Provisioner.from(settings).provision(bed.nc);
    var ctx = ServiceContext.standalone("payments", bed.vertx, settings, bed.serviceBridge, Router.router(bed.vertx));
    new PaymentsService().start(ctx).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (bed != null) bed.close();
    } finally {
      logs.close();
    }
  }

  @Test
  void aValidTokenIsChargedOnceAndAuthorized() throws Exception {
    Envelope reserved = reserve("tok_visa");
    String order = reserved.subject();

    Envelope payment = awaitPayment(order);

    JsonObject ledger = bed.ledger(order);
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
    assertThat(bed.charges(order)).isEmpty();
    JsonObject lookup = bed.http.get(bed.pspPort, "127.0.0.1", "/v1/charges").addQueryParam("idempotencyKey", order)
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
    assertThat(bed.proxy.requests(order)).isZero();
  }

  @Test
  void aDuplicatedReservationUnderANewMessageIdIsNeitherChargedNorPublishedAgain() throws Exception {
    Envelope reserved = reserve("tok_visa");
    String order = reserved.subject();
    Envelope first = awaitPayment(order);
    int gatewayRequests = bed.proxy.requests(order);
    int ledgerRequests = bed.ledger(order).getInteger("requests");

    PublishAck duplicate = bed.bridge.publishRaw(reserved.natsSubject(), new Headers(), EventCodec.encode(reserved),
        PublishOptions.builder().messageId("replayed-" + reserved.id()).build()).await(5, TimeUnit.SECONDS);
    assertThat(duplicate.isDuplicate()).isFalse();
    awaitHandled(duplicate.getSeqno());

    assertThat(bed.proxy.requests(order)).isEqualTo(gatewayRequests);
    assertThat(bed.ledger(order).getInteger("requests")).isEqualTo(ledgerRequests);
    assertThat(bed.charges(order)).hasSize(1);
    assertThat(paymentMessages(order)).isEqualTo(1);
    assertThat(awaitPayment(order).id()).isEqualTo(first.id());
  }

  @Test
  void aGatewayOutageIsRetriedUntilTheChargeGoesThroughOnce() throws Exception {
    String order = Ids.newOrderId();
    bed.proxy.inject(order, Fault.UNAVAILABLE, Fault.UNAVAILABLE);
    reserve(order, "tok_visa");

    Envelope payment = awaitPayment(order);

    assertThat(payment.data()).isInstanceOf(Event.PaymentAuthorized.class);
    assertThat(bed.proxy.requests(order)).isEqualTo(3);
    assertThat(bed.ledger(order).getInteger("requests")).isEqualTo(1);
    assertThat(bed.charges(order)).hasSize(1);
  }

  @Test
  void aChargeWhoseAnswerTimedOutIsFoundAtTheGatewayNotChargedTwice() throws Exception {
    String order = Ids.newOrderId();
    bed.proxy.inject(order, Fault.NO_ANSWER);
    reserve(order, "tok_visa");

    Envelope payment = awaitPayment(order);

    JsonObject ledger = bed.ledger(order);
    // The retry asks the gateway for the charge made under the order's key before charging again.
    assertThat(ledger.getInteger("requests")).isEqualTo(1);
    assertThat(ledger.getJsonArray("charges")).hasSize(1);
    String chargeId = ledger.getJsonArray("charges").getJsonObject(0).getString("id");
    assertThat(((Event.PaymentAuthorized) payment.data()).chargeId()).isEqualTo(chargeId);
  }

  @Test
  void aTokenTheGatewayRefusesAsUnknownEndsThePaymentAtOnceAsInvalidPayment() throws Exception {
    String secret = "tok_unknownSecret_4242";
    Envelope reserved = reserve(secret);
    String order = reserved.subject();

    assertThat(awaitPayment(order).data()).isEqualTo(new Event.PaymentDeclined(order, "invalid_payment", TOTAL, "EUR"));
    awaitHandled(sequenceOf(reserved));
    assertThat(bed.proxy.requests(order)).as("charged once, never retried").isEqualTo(1);
    assertThat(bed.deadLetters(List.of(order))).isEmpty();
    assertThat(logs.lines()).noneMatch(line -> line != null && line.contains(secret));
  }

  @Test
  void aFloodOfRefusedTokensEndsEveryPaymentAsInvalidPaymentAndDeadLettersNothing() throws Exception {
    long breakerChanges = bed.messages(Topology.SYSTEM);
    List<String> orders = new ArrayList<>();
    List<Future<?>> published = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String order = Ids.newOrderId();
      io.orderflow.runtime.TestHandOffs.paymentToken(bed.bridge, order, "tok_123_not_a_card");
      orders.add(order);
    }
    for (String order : orders) published.add(bed.bridge.publish(reservation(order, TOTAL)));
    Future.all(published).await(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).until(() -> payments(orders).size() == orders.size());
    assertThat(payments(orders)).allSatisfy((order, payment) ->
        assertThat(payment).isEqualTo(new Event.PaymentDeclined(order, "invalid_payment", TOTAL, "EUR")));
    awaitHandled(bed.lastSequence(Topology.INVENTORY));
    assertThat(bed.deadLetters(orders)).isEmpty();
    assertThat(orders).allSatisfy(order -> assertThat(bed.proxy.requests(order)).as(order).isEqualTo(1));
    assertThat(bed.messages(Topology.SYSTEM)).as("a refused token is an answer, not an outage: the breaker stays closed")
        .isEqualTo(breakerChanges);
  }

  @Test
  void aChargeTheGatewayRejectsForAnotherReasonIsRetriedThenDeadLetteredAndDecidesNothing() throws Exception {
    String order = Ids.newOrderId();
    // A reservation of nothing to pay: psp-sim answers 400 invalid-request (amountCents), our request's fault.
    Envelope reserved = reserve(order, "tok_visa", 0);
    long seq = sequenceOf(reserved);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(bed.deadLetters(List.of(order))).hasSize(1));
    var dead = bed.deadLetters(List.of(order)).get(0);
    assertThat(dead.getHeaders().getFirst(DeadLetters.STREAM_SEQ)).isEqualTo(String.valueOf(seq));
    assertThat(dead.getHeaders().getFirst(DeadLetters.ERROR)).contains("rejected", "400", "amountCents");
    awaitHandled(seq);
    assertThat(failuresCounted(seq)).as("real failures counted before dead-lettering: consumer.max-attempts").isEqualTo(4);
    assertThat(bed.proxy.requests(order)).as("a charge per attempt (one more after a call that timed out)").isGreaterThanOrEqualTo(4);
    assertThat(paymentMessages(order)).isZero();
  }

  // --- helpers ---

  static Envelope reserve(String token) throws Exception {
    return reserve(Ids.newOrderId(), token);
  }

  static Envelope reserve(String order, String token) throws Exception {
    return reserve(order, token, TOTAL);
  }

  static Envelope reserve(String order, String token, long totalCents) throws Exception {
    if (token != null) {
      io.orderflow.runtime.TestHandOffs.paymentToken(bed.bridge, order, token);
    }
    Envelope reserved = reservation(order, totalCents);
    bed.bridge.publish(reserved).await(5, TimeUnit.SECONDS);
    return reserved;
  }

  static Envelope reservation(String order, long totalCents) {
    var data = new Event.StockReserved(order, List.of(new StockLine("sku-1", 2), new StockLine("sku-2", 1)), totalCents, "EUR", io.orderflow.runtime.TestHandOffs.REQUEST);
    return Envelope.of(data, Instant.now(), TRACEPARENT, Ids.eventId(order, EventType.ORDER_PLACED));
  }

  static long sequenceOf(Envelope reserved) throws Exception {
    return bed.nc.jetStreamManagement().getLastMessage(Topology.INVENTORY, reserved.natsSubject()).getSeq();
  }

  /** How many real failures the payments consumer counted for its message at this INVENTORY sequence. */
  static int failuresCounted(long seq) throws Exception {
    return bed.bridge.kvGet(Topology.FAILED_ATTEMPTS, Topology.PAYMENTS_RESERVED.durable() + "." + seq).await(5, TimeUnit.SECONDS)
        .map(e -> Integer.parseInt(new String(e.value(), java.nio.charset.StandardCharsets.US_ASCII))).orElse(0);
  }

  static Envelope awaitPayment(String order) {
    return await().atMost(Duration.ofSeconds(15)).until(() -> {
      Optional<StoredEvent> e = bed.bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + order).await(5, TimeUnit.SECONDS);
      return e.filter(StoredEvent::ok).map(StoredEvent::envelope).orElse(null);
    }, p -> p != null);
  }

  /** The payment decisions made so far for these orders. */
  static Map<String, Event> payments(List<String> orders) throws Exception {
    Map<String, Event> decided = new java.util.LinkedHashMap<>();
    for (String order : orders) {
      bed.bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + order).await(5, TimeUnit.SECONDS)
          .filter(StoredEvent::ok).ifPresent(e -> decided.put(order, e.envelope().data()));
    }
    return decided;
  }

  /** Waits until the payments consumer has delivered and settled everything up to this stream sequence. */
  static void awaitHandled(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var info = bed.nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable());
      assertThat(info.getDelivered().getStreamSequence()).isGreaterThanOrEqualTo(seq);
      assertThat(info.getNumAckPending()).isZero();
      assertThat(info.getNumPending()).isZero();
    });
  }

  static long paymentMessages(String order) throws Exception {
    String subject = Subjects.PAYMENTS + "." + order;
    var state = bed.nc.jetStreamManagement()
        .getStreamInfo(Topology.PAYMENTS, StreamInfoOptions.filterSubjects(subject)).getStreamState();
    return state.getSubjects().stream().filter(s -> s.getName().equals(subject)).mapToLong(s -> s.getCount()).sum();
  }
}
