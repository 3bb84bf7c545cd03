package io.orderflow.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.StockLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderTimelineTest {
  static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  final String order = Ids.newOrderId();
  final List<Envelope> events = new ArrayList<>();

  Envelope add(Event e, long millis, int attempt) {
    Envelope cause = events.isEmpty() ? null : events.get(events.size() - 1);
    Envelope env = Envelope.of(e, T0.plusMillis(millis), cause == null ? Cause.NONE : new Cause(cause.id(), null, attempt));
    events.add(env);
    return env;
  }

  OrderTimeline timeline() {
    return OrderTimeline.of(events).orElseThrow();
  }

  List<String> waitingFor() {
    return timeline().expected().stream().map(x -> x.service() + ": " + x.action()).toList();
  }

  void placed() {
    add(new Event.OrderPlaced(order, "c-1", List.of(new OrderLine("SKU-1", 2, 500)), 1000, "EUR", "h"), 0, 0);
  }

  void reserved() {
    add(new Event.StockReserved(order, List.of(new StockLine("SKU-1", 2)), 1000, "EUR"), 12, 1);
  }

  @Test
  void eachStepKnowsTheTimeSinceTheOneBefore() {
    placed();
    reserved();
    add(new Event.PaymentAuthorized(order, "ch_1", 1000, "EUR"), 10_012, 3);
    var steps = timeline().steps();
    assertThat(steps).extracting(OrderTimeline.Step::sincePrevious).containsExactly(Duration.ZERO, Duration.ofMillis(12), Duration.ofSeconds(10));
    assertThat(steps.get(2).sincePlaced()).isEqualTo(Duration.ofMillis(10_012));
    assertThat(steps.get(2).event().deliveryAttempt()).isEqualTo(3);
    assertThat(steps.get(2).summary()).isEqualTo("charged 1000 EUR (ch_1)");
  }

  @Test
  void aStuckOrderWaitsForTheServiceWhoseStepIsNext() {
    placed();
    assertThat(waitingFor()).containsExactly("inventory: reserve the stock");
    reserved();
    assertThat(waitingFor()).containsExactly("payments: charge the payment");
    assertThat(timeline().expected().get(0).after().data()).isInstanceOf(Event.StockReserved.class);
    add(new Event.PaymentDeclined(order, "card_declined", 1000, "EUR"), 30, 1);
    assertThat(waitingFor()).containsExactly("orders: end the order on the payment decision");
    assertThat(timeline().complete()).isFalse();
  }

  @Test
  void rejectedStockWaitsForOrdersToCancelAndThenOnlyForTheMail() {
    placed();
    add(new Event.StockRejected(order, "SKU-1", 2, 1), 5, 1);
    assertThat(waitingFor()).containsExactly("orders: cancel the order (out of stock)");
    add(new Event.OrderCancelled(order, "c-1", CancelReason.OUT_OF_STOCK, "short"), 9, 1);
    assertThat(waitingFor()).as("nothing was reserved, so nothing to release").containsExactly("notifications: mail the customer");
    add(new Event.NotificationSent(order, "order-cancelled", "<m>"), 40, 1);
    assertThat(timeline().complete()).isTrue();
  }

  @Test
  void anEndedOrderWaitsForItsStockToSettleAndItsMail() {
    placed();
    reserved();
    add(new Event.PaymentAuthorized(order, "ch_1", 1000, "EUR"), 20, 1);
    add(new Event.OrderConfirmed(order, "c-1", 1000, "EUR"), 25, 1);
    assertThat(waitingFor()).containsExactly("inventory: sell the reserved stock", "notifications: mail the customer");
    add(new Event.StockCommitted(order, List.of(new StockLine("SKU-1", 2))), 27, 1);
    add(new Event.NotificationSent(order, "order-confirmed", "<m>"), 60, 1);
    assertThat(timeline().complete()).isTrue();
  }

  @Test
  void aChargedOrderCancelledAfterADeadLetterWaitsForItsChargeToBeVoided() {
    placed();
    reserved();
    add(new Event.PaymentAuthorized(order, "ch_1", 1000, "EUR"), 20, 1);
    add(new Event.OrderCancelled(order, "c-1", CancelReason.PROCESSING_FAILED, "orders-payments: boom"), 25, 10);
    add(new Event.StockReleased(order, List.of(new StockLine("SKU-1", 2))), 27, 1);
    add(new Event.NotificationSent(order, "order-cancelled", "<m>"), 60, 1);
    assertThat(waitingFor()).containsExactly("payments: void the charge");
    add(new Event.PaymentVoided(order, "ch_1", 1000, "EUR"), 70, 1);
    assertThat(timeline().complete()).isTrue();
  }

  @Test
  void eventsWithoutTheirOrderPlacedAreNoTimeline() {
    assertThat(OrderTimeline.of(List.of())).isEmpty();
    reserved();
    assertThat(OrderTimeline.of(events)).isEmpty();
  }
}
