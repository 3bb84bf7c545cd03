package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.StockLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
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
  static PaymentsTestbed bed;

  @BeforeAll
  static void up() throws Exception {
    bed = PaymentsTestbed.start();
    Settings settings = Settings.of(Map.of(
        "psp.url", bed.directGatewayUrl(),
        "payments.gateway-timeout", "500ms",
        "payments.breaker.max-failures", "3",
        "payments.breaker.reset-timeout", "500ms",
        "payments.gateway-retries", "1",
        "consumer.max-attempts", "3",
        "consumer.backoff", "20ms",
        "consumer.max-backoff", "200ms"));
    Provisioner.from(settings).provision(bed.nc);
    new PaymentsService().start(ServiceContext.standalone("payments", bed.vertx, settings, bed.serviceBridge, Router.router(bed.vertx)))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void down() throws Exception {
    if (bed != null) bed.close();
  }

  @BeforeEach
  void healthyGateway() throws Exception {
    bed.faults(new JsonObject().put("mode", "ok"));
  }

  @Test
  void ordersWaitThroughALongOutageAndAreChargedOnceAfterRecovery() throws Exception {
    bed.faults(new JsonObject().put("mode", "down"));
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) orders.add(reserve("tok_visa"));

    await().atMost(Duration.ofSeconds(10)).until(() -> bed.breakerStates().contains("OPEN"));
    // Ten times the reset timeout: half-open probes fail, orders keep waiting, nothing is dead-lettered.
    long until = System.currentTimeMillis() + 5_000;
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
      assertThat(bed.messages(Topology.DLQ)).isZero();
      assertThat(bed.decided(orders)).isZero();
      return System.currentTimeMillis() > until;
    });
    var waiting = bed.nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable());
    assertThat(waiting.getNumPending() + waiting.getNumAckPending()).as("orders wait in JetStream").isPositive();

    bed.faults(new JsonObject().put("mode", "ok"));
    await().atMost(Duration.ofSeconds(30)).until(() -> bed.decided(orders) == orders.size());
    assertThat(bed.breakerStates()).contains("OPEN", "HALF_OPEN", "CLOSED");
    assertThat(bed.messages(Topology.DLQ)).isZero();
    for (String order : orders) {
      assertThat(bed.payment(order)).isInstanceOf(Event.PaymentAuthorized.class);
      assertThat(bed.charges(order)).as(order).hasSize(1);
    }
  }

  @Test
  void aChargeWhoseAnswerNeverCameIsFoundNotRepeatedEvenWithoutGatewayIdempotency() throws Exception {
    bed.faults(new JsonObject().put("mode", "timeout-after-charge").put("idempotency", false));
    String order = reserve("tok_visa");
    await().atMost(Duration.ofSeconds(20)).until(() -> bed.decided(List.of(order)) == 1);
    assertThat(bed.payment(order)).isInstanceOf(Event.PaymentAuthorized.class);
    assertThat(bed.charges(order)).hasSize(1);
  }

  @Test
  void aChargeIsVoidedWhenItsOrderIsCancelledAfterADeadLetter() throws Exception {
    String order = reserve("tok_visa");
    await().atMost(Duration.ofSeconds(10)).until(() -> bed.decided(List.of(order)) == 1);
    var cancelled = new Event.OrderCancelled(order, "c-1", CancelReason.PROCESSING_FAILED, "orders-payments: boom");
    bed.bridge.publish(Envelope.of(cancelled, Instant.now(), null, null)).await(5, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        bed.bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED + "." + order).await(5, TimeUnit.SECONDS).isPresent());
    var charge = bed.charges(order).getJsonObject(0);
    assertThat(charge.getBoolean("voided")).isTrue();
  }

  static String reserve(String token) throws Exception {
    String order = Ids.newOrderId();
    io.orderflow.runtime.TestHandOffs.paymentToken(bed.bridge, order, token);
    var data = new Event.StockReserved(order, List.of(new StockLine("sku-1", 1)), 1000, "EUR", io.orderflow.runtime.TestHandOffs.REQUEST);
    bed.bridge.publish(Envelope.of(data, Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    return order;
  }
}
