package io.orderflow.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.api.StreamInfoOptions;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderStatus;
import io.orderflow.runtime.ProvisionedBroker;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two deciders ending one order (the saga and a dead letter) store one terminal event between them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderEndingTest {
  ProvisionedBroker broker;
  JetStreamBridge bridge;
  OrderProjection projection;
  OrderEnding ending;

  @BeforeAll
  void start() throws Exception {
    broker = ProvisionedBroker.start();
    bridge = broker.bridge;
    projection = new OrderProjection(bridge);
    ending = new OrderEnding(bridge, projection, new OrderMetrics(bridge.telemetry().meters()));
  }

  @AfterAll
  void stop() throws Exception {
    broker.close();
  }

  @Test
  void anOutcomeDecidedOnAStaleReadLosesToTheOneStoredMeanwhile() throws Exception {
    var placed = new Event.OrderPlaced(Ids.newOrderId(), "c-race", List.of(new OrderLine("SKU-1", 1, 900)), 900, "EUR", "hash");
    bridge.publish(Envelope.of(placed, Instant.now(), null, null)).await(10, TimeUnit.SECONDS);
    var stale = ending.load(placed.orderId()).await(10, TimeUnit.SECONDS);
    assertThat(stale.hasEnded()).isFalse();
    // The saga confirms the order after the dead letter's handler read it, before it publishes.
    var confirmed = new Event.OrderConfirmed(placed.orderId(), placed.customerId(), 900, "EUR");
    ending.end(stale, confirmed, Cause.NONE).await(10, TimeUnit.SECONDS);

    var cancelled = new Event.OrderCancelled(placed.orderId(), placed.customerId(), CancelReason.PROCESSING_FAILED, "orders-payments: boom");
    ending.end(stale, cancelled, Cause.NONE).await(10, TimeUnit.SECONDS);

    String ended = Subjects.ORDERS_ENDED + "." + placed.orderId();
    long stored = broker.nc.jetStreamManagement().getStreamInfo(Topology.ORDERS, StreamInfoOptions.filterSubjects(ended))
        .getStreamState().getSubjectMap().getOrDefault(ended, 0L);
    assertThat(stored).as("terminal events of the order").isEqualTo(1);
    var view = projection.get(placed.customerId(), placed.orderId()).await(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(view.status()).isEqualTo(OrderStatus.CONFIRMED);
  }
}
