package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.StreamInfoOptions;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.inventory.domain.StockLevel;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sequence fence alone keeps stock from being oversold: two ledgers that both write at once (as two
 * lease holders would during an overlap) sell exactly the stock there is.
 */
class LedgerFenceTest {
  @Test
  void twoConcurrentWritersNeverOversell() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection admin = nats.connect(); Connection a = nats.connect(); Connection b = nats.connect()) {
      Provisioner.from(Settings.of(Map.of())).provision(admin);
      Vertx vertx = Vertx.vertx();
      try {
        var bridgeA = new JetStreamBridge(vertx, a);
        var bridgeB = new JetStreamBridge(vertx, b);
        var ledgerA = new LedgerVerticle(bridgeA, 1000);
        var ledgerB = new LedgerVerticle(bridgeB, 1000);
        vertx.deployVerticle(ledgerA).await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(ledgerB).await(10, TimeUnit.SECONDS);
        bridgeA.publish(Envelope.of(new Event.StockSet("HOT", 20), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);

        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          var placed = new Event.OrderPlaced(Ids.newOrderId(), "c-" + i, List.of(new OrderLine("HOT", 1, 100)), 100, "EUR", "h");
          Envelope trigger = Envelope.of(placed, Instant.now(), null, null);
          LedgerVerticle writer = i % 2 == 0 ? ledgerA : ledgerB;
          all.add(writer.execute(new Delivery(trigger, EventCodec.encode(trigger), 1, 0), l -> l.decideReserve(placed)));
        }
        Future.join(all).await(60, TimeUnit.SECONDS);

        var reserved = admin.jetStreamManagement()
            .getStreamInfo(Topology.INVENTORY, StreamInfoOptions.filterSubjects("orderflow.inventory.reserved.>"))
            .getStreamState().getSubjects().size();
        assertThat(reserved).isEqualTo(20);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(ledgerA.level("HOT").await(5, TimeUnit.SECONDS)).contains(new StockLevel("HOT", 0, 20, 0));
          assertThat(ledgerB.level("HOT").await(5, TimeUnit.SECONDS)).contains(new StockLevel("HOT", 0, 20, 0));
        });
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
