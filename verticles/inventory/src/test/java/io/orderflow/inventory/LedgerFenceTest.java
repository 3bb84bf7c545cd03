package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.StreamInfoOptions;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.inventory.domain.StockDecision;
import io.orderflow.inventory.domain.StockLedger;
import io.orderflow.inventory.domain.StockLevel;
import io.orderflow.runtime.NatsCluster;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequence fence alone keeps stock from being oversold: two ledgers that both write at once (as two
 * pinned instances would while the pin moves) sell exactly the stock there is. A writer that keeps losing
 * races gives the task back with {@link EventHandler.RetryLater}; here, as in the consumer runner, it is
 * delivered again after the delay and decided anew.
 */
class LedgerFenceTest {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerFenceTest.class);
  private static final int ORDERS = 200;
  private static final int STOCK = 20;
  /** Redeliveries of one task before the test gives up (the runner never does; a bound keeps a hang visible). */
  private static final int MAX_REDELIVERIES = 25;

  @Test
  void twoConcurrentWritersNeverOversell() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection admin = nats.connect(); Connection a = nats.connect(); Connection b = nats.connect()) {
      Provisioner.from(Settings.of(Map.of())).provision(admin);
      twoWritersSellExactlyTheStock(admin, a, b);
    }
  }

  @Test
  void twoWritersOnDifferentNodesOfThreeReplicasNeverOversell() throws Exception {
    try (NatsCluster cluster = NatsCluster.start(3); Connection admin = cluster.connect();
        Connection a = cluster.connect(0); Connection b = cluster.connect(1)) {
      Provisioner.from(Settings.of(Map.of("ORDERFLOW_NATS_REPLICAS", "3"))).provision(admin);
      assertThat(admin.jetStreamManagement().getStreamInfo(Topology.INVENTORY).getConfiguration().getReplicas()).isEqualTo(3);
      assertThat(a.getServerInfo().getServerName()).isNotEqualTo(b.getServerInfo().getServerName());
      twoWritersSellExactlyTheStock(admin, a, b);
    }
  }

  private static void twoWritersSellExactlyTheStock(Connection admin, Connection a, Connection b) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      var bridgeA = new JetStreamBridge(vertx, a);
      var bridgeB = new JetStreamBridge(vertx, b);
      var ledgerA = new LedgerVerticle(bridgeA, 1000);
      var ledgerB = new LedgerVerticle(bridgeB, 1000);
      vertx.deployVerticle(ledgerA).await(10, TimeUnit.SECONDS);
      vertx.deployVerticle(ledgerB).await(10, TimeUnit.SECONDS);
      bridgeA.publish(Envelope.of(new Event.StockSet("HOT", STOCK), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);

      var redeliveries = new AtomicInteger();
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        var placed = new Event.OrderPlaced(Ids.newOrderId(), "c-" + i, List.of(new OrderLine("HOT", 1, 100)), 100, "EUR", "h");
        Envelope trigger = Envelope.of(placed, Instant.now(), null, null);
        LedgerVerticle writer = i % 2 == 0 ? ledgerA : ledgerB;
        all.add(deliver(vertx, writer, trigger, 1, l -> l.decideReserve(placed), redeliveries));
      }
      Future.join(all).await(90, TimeUnit.SECONDS);
      LOG.info("{} orders decided by two writers, {} redeliveries after RetryLater", ORDERS, redeliveries.get());

      var jsm = admin.jetStreamManagement();
      var reserved = jsm.getStreamInfo(Topology.INVENTORY, StreamInfoOptions.filterSubjects("orderflow.inventory.reserved.>"))
          .getStreamState().getSubjects().size();
      var rejected = jsm.getStreamInfo(Topology.INVENTORY, StreamInfoOptions.filterSubjects("orderflow.inventory.rejected.>"))
          .getStreamState().getSubjects().size();
      assertThat(reserved).as("orders reserved").isEqualTo(STOCK);
      assertThat(rejected).as("orders rejected").isEqualTo(ORDERS - STOCK);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(ledgerA.level("HOT").await(5, TimeUnit.SECONDS)).contains(new StockLevel("HOT", 0, STOCK, 0));
        assertThat(ledgerB.level("HOT").await(5, TimeUnit.SECONDS)).contains(new StockLevel("HOT", 0, STOCK, 0));
      });
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Executes a decision as the consumer runner's delivery would: a {@link EventHandler.RetryLater} is a NAK with
   * its delay, and the same event comes back with a higher delivery count. Any other failure fails the task.
   */
  private static Future<Void> deliver(Vertx vertx, LedgerVerticle ledger, Envelope trigger, int deliveredCount,
      Function<StockLedger, StockDecision> decide, AtomicInteger redeliveries) {
    return ledger.execute(new Delivery(trigger, EventCodec.encode(trigger), deliveredCount, 0), decide).recover(e -> {
      if (!(e instanceof EventHandler.RetryLater retry) || deliveredCount > MAX_REDELIVERIES) return Future.failedFuture(e);
      redeliveries.incrementAndGet();
      Promise<Void> redelivered = Promise.promise();
      vertx.setTimer(Math.max(1, retry.delayMillis()),
          id -> deliver(vertx, ledger, trigger, deliveredCount + 1, decide, redeliveries).onComplete(redelivered));
      return redelivered.future();
    });
  }
}
