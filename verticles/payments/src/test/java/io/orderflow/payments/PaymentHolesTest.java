package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.JetStreamApiException;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.StockLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.payments.GatewayProxy.Fault;
import io.orderflow.runtime.TestHandOffs;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
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

  static Settings settings;

  PaymentsInstance payments;

  static PaymentsTestbed bed;

  @BeforeAll
  static void up() throws Exception {
    bed = PaymentsTestbed.start();
    settings = Settings.of(Map.ofEntries(
        Map.entry("psp.url", bed.gatewayUrl()),
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
    Provisioner.from(settings).provision(bed.nc);
  }

  @AfterAll
  static void down() throws Exception {
    if (bed != null) bed.close();
  }

  @BeforeEach
  void healthyGatewayAndOneInstance() throws Exception {
    bed.faults(new JsonObject().put("mode", "ok"));
    payments = PaymentsInstance.start(bed.nats, settings);
  }

  @AfterEach
  void stopInstance() throws Exception {
    if (payments != null) payments.close();
  }

  // --- a charge and its order's cancellation, in either order ---

  @Test
  void aChargeThatLandsAfterItsOrderWasCancelledIsVoided() throws Exception {
    String order = Ids.newOrderId();
    bed.proxy.inject(order, Fault.HELD);
    reserve(order, "tok_visa", Duration.ofHours(1));
    // Payments found the order not ended and is charging; the charge has not reached the gateway yet.
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.proxy.holds(order));
    awaitEndedHandled(cancel(order, CancelReason.PROCESSING_FAILED));
    assertThat(bed.charges(order)).as("the cancellation found no charge to void").isEmpty();
    assertThat(voided(order)).isNull();

    bed.proxy.release(order);

    await().atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(voided(order)).as("PaymentVoided of the late charge").isNotNull());
    String chargeId = bed.charges(order).getJsonObject(0).getString("id");
    assertThat(bed.payment(order)).isEqualTo(new Event.PaymentAuthorized(order, chargeId, TOTAL, "EUR"));
    assertThat(voided(order)).isEqualTo(new Event.PaymentVoided(order, chargeId, TOTAL, "EUR"));
    assertThat(bed.charges(order).getJsonObject(0).getBoolean("voided")).isTrue();
  }


  /**
   * The charge lands after the cancellation found nothing to void, and the instance that sent it dies before
   * recording it: the next instance, handling the redelivered reservation of an order that ended CANCELLED,
   * asks the gateway by the order's key and voids what it finds.
   */
  @Test
  void aChargeThatLandsAfterTheCancellationWhileItsInstanceDiesIsVoidedByTheNextInstance() throws Exception {
    String order = Ids.newOrderId();
    bed.proxy.inject(order, Fault.HELD);
    reserve(order, "tok_visa", Duration.ofHours(1));
    long seq = bed.lastSequence(Topology.INVENTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.proxy.holds(order));
    awaitEndedHandled(cancel(order, CancelReason.PROCESSING_FAILED));
    assertThat(bed.charges(order)).as("the cancellation found no charge to void").isEmpty();

    payments.close(); // dies between the charge and its record
    payments = null;
    bed.proxy.release(order); // the charge it sent lands at the gateway all the same
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.charges(order).size() == 1);
    payments = PaymentsInstance.start(bed.nats, settings);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var info = bed.nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable());
      assertThat(info.getAckFloor().getStreamSequence()).isGreaterThanOrEqualTo(seq);
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(bed.charges(order).getJsonObject(0).getBoolean("voided")).as("the cancelled order's charge is voided").isTrue());
  }

  @ParameterizedTest
  @EnumSource(CancelReason.class)
  void aCancellationStoredAfterTheAuthorizationVoidsTheChargeWhateverItsReason(CancelReason reason) throws Exception {
    String order = reserve("tok_visa", Duration.ofHours(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.payment(order) instanceof Event.PaymentAuthorized);

    cancel(order, reason);

    await().atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(voided(order)).as("PaymentVoided after a cancellation for " + reason).isNotNull());
    var authorized = (Event.PaymentAuthorized) bed.payment(order);
    assertThat(voided(order)).isEqualTo(new Event.PaymentVoided(order, authorized.chargeId(), TOTAL, "EUR"));
    assertThat(bed.charges(order).getJsonObject(0).getBoolean("voided")).isTrue();
  }

  @Test
  void anOrderThatEndedConfirmedKeepsItsCharge() throws Exception {
    String order = reserve("tok_visa", Duration.ofHours(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.payment(order) instanceof Event.PaymentAuthorized);

    long seq = publishEnded(new Event.OrderConfirmed(order, "c-1", TOTAL, "EUR"));
    awaitEndedHandled(seq);

    assertThat(voided(order)).isNull();
    assertThat(bed.charges(order).getJsonObject(0).getBoolean("voided")).isFalse();
  }

  // --- an outage and restarts ---

  @Test
  void anOutageSpanningRestartsOfEveryInstanceSpendsNoAttemptsSoNothingIsDeadLetteredAndEachOrderIsChargedOnce() throws Exception {
    long openings = breakerOpenings();
    bed.faults(new JsonObject().put("mode", "down"));
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 10; i++) orders.add(reserve("tok_visa", Duration.ofHours(1)));
    long lastReservation = bed.lastSequence(Topology.INVENTORY);
    await().atMost(Duration.ofSeconds(15)).until(() -> breakerOpenings() > openings);

    for (int restart = 0; restart < 2; restart++) {
      payments.close();
      payments = null;
      payments = PaymentsInstance.start(bed.nats, settings);
      awaitDelivered(lastReservation); // every reservation has met the outage
      // Several breaker resets and redeliveries on a fresh instance, which remembers nothing of the waits before.
      holdFor(BREAKER_RESET.multipliedBy(5), () -> {
        assertThat(deadLetterErrors(orders)).isEmpty();
        assertThat(bed.decided(orders)).isZero();
      });
    }
    // The gateway is back but rejects each order's charge until its last attempt: real failures, which count.
    // Had any delivery during the outage been counted as an attempt, before or across the restarts, this
    // would dead-letter the order.
    for (String o : orders) bed.proxy.inject(o, Collections.nCopies(MAX_ATTEMPTS - 1, Fault.REJECTED).toArray(Fault[]::new));
    bed.faults(new JsonObject().put("mode", "ok"));

    await().atMost(Duration.ofSeconds(30))
        .failFast("an order was dead-lettered", () -> assertThat(deadLetterErrors(orders)).isEmpty())
        .until(() -> bed.decided(orders) == orders.size());
    for (String order : orders) {
      assertThat(bed.payment(order)).as(order).isInstanceOf(Event.PaymentAuthorized.class);
      assertThat(bed.charges(order)).as(order).hasSize(1);
    }
  }

  // --- an outage and the token's lifetime ---

  @Test
  void aTokenThatExpiresDuringAnOutageEndsItsOrderAsTokenExpiredWithoutACharge() throws Exception {
    bed.faults(new JsonObject().put("mode", "down"));
    String order = reserve("tok_visa", Duration.ofSeconds(1));
    awaitDelivered(bed.lastSequence(Topology.INVENTORY)); // payments met the outage with this order
    await().atMost(Duration.ofSeconds(10)).until(() -> !handOffPresent(order));
    assertThat(bed.payment(order)).as("nothing decided during the outage").isNull();

    bed.faults(new JsonObject().put("mode", "ok"));

    await().atMost(Duration.ofSeconds(15)).until(() -> bed.payment(order) != null);
    assertThat(bed.payment(order)).isEqualTo(new Event.PaymentDeclined(order, Event.PaymentDeclined.TOKEN_EXPIRED, TOTAL, "EUR"));
    assertThat(bed.charges(order)).isEmpty();
  }

  @Test
  void aChargeMadeBeforeItsTokenExpiredIsFoundAndAuthorizedNotDeclined() throws Exception {
    bed.faults(new JsonObject().put("mode", "timeout-after-charge"));
    // Long enough for the first attempt to charge with it even on a loaded machine.
    String order = reserve("tok_visa", Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.charges(order).size() == 1);
    // The gateway charged and its answer is lost; then it goes down until the token's hand-off is gone.
    bed.faults(new JsonObject().put("mode", "down"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !handOffPresent(order));
    assertThat(bed.payment(order)).as("nothing decided during the outage").isNull();

    bed.faults(new JsonObject().put("mode", "ok"));

    await().atMost(Duration.ofSeconds(15)).until(() -> bed.payment(order) != null);
    String chargeId = bed.charges(order).getJsonObject(0).getString("id");
    assertThat(bed.payment(order)).isEqualTo(new Event.PaymentAuthorized(order, chargeId, TOTAL, "EUR"));
    assertThat(bed.charges(order)).hasSize(1);
  }

  // --- helpers ---

  static String reserve(String token, Duration tokenTtl) throws Exception {
    return reserve(Ids.newOrderId(), token, tokenTtl);
  }

  static String reserve(String order, String token, Duration tokenTtl) throws Exception {
    TestHandOffs.paymentToken(bed.bridge, order, token, tokenTtl);
    var data = new Event.StockReserved(order, List.of(new StockLine("sku-1", 1)), TOTAL, "EUR", TestHandOffs.REQUEST);
    bed.bridge.publish(Envelope.of(data, Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    return order;
  }

  static long cancel(String order, CancelReason reason) throws Exception {
    return publishEnded(new Event.OrderCancelled(order, "c-1", reason, "cancelled by the test"));
  }

  /** Publishes an order's end; returns its sequence in ORDERS. */
  static long publishEnded(Event ended) throws Exception {
    return bed.bridge.publish(Envelope.of(ended, Instant.now(), null, null)).await(5, TimeUnit.SECONDS).getSeqno();
  }

  /** Waits until payments-ended has settled everything up to this ORDERS sequence. */
  static void awaitEndedHandled(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var info = bed.nc.jetStreamManagement().getConsumerInfo(Topology.ORDERS, Topology.PAYMENTS_ENDED.durable());
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

  static Event voided(String order) throws Exception {
    return bed.bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + order).await(5, TimeUnit.SECONDS)
        .filter(StoredEvent::ok).map(e -> e.envelope().data()).orElse(null);
  }

  static boolean handOffPresent(String order) throws Exception {
    try {
      bed.nc.jetStreamManagement().getLastMessage(Topology.PAYMENT_TOKENS,
          Subjects.handOff(Subjects.HANDOFF_PAYMENT_TOKEN, order, TestHandOffs.REQUEST));
      return true;
    } catch (JetStreamApiException e) {
      return false; // expired: no message on the subject
    }
  }

  /** Waits until payments-reserved has delivered every message up to this INVENTORY sequence at least once. */
  static void awaitDelivered(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
        bed.nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable())
            .getDelivered().getStreamSequence()).isGreaterThanOrEqualTo(seq));
  }

  /** How often a payments breaker opened. */
  static long breakerOpenings() throws Exception {
    return bed.breakerStates().stream().filter("OPEN"::equals).count();
  }

  /** "subject: error" of each dead letter of these orders' messages. */
  static List<String> deadLetterErrors(List<String> orders) throws Exception {
    return bed.deadLetters(orders).stream().map(m -> m.getHeaders().getFirst(DeadLetters.SUBJECT) + ": "
        + m.getHeaders().getFirst(DeadLetters.ERROR)).toList();
  }
}
