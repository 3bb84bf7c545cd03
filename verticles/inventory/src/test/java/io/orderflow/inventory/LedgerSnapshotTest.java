package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.inventory.domain.StockLevel;
import io.orderflow.runtime.ProvisionedBroker;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A ledger starts from the newest snapshot and folds only the stream after it; a snapshot it cannot use
 * makes it fold the whole stream. Either way it ends with the same state as the ledger that wrote it.
 */
class LedgerSnapshotTest {
  private static final Duration NEVER = Duration.ofHours(1);
  ProvisionedBroker broker;
  final List<Event.OrderPlaced> placed = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    broker = ProvisionedBroker.start();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  @Test
  void aLedgerStartsFromTheSnapshotAndFoldsOnlyTheMessagesAfterIt() throws Exception {
    LedgerVerticle writer = deploy(new LedgerVerticle(broker.bridge, 1000, 4, NEVER));
    decide(writer, 10);
    // Every 4 decisions: a snapshot is stored while the writer goes on deciding.
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.nc.objectStore(Topology.INVENTORY_SNAPSHOTS.name())
        .getInfo(LedgerSnapshots.OBJECT) != null);
    stockSet("LATE", 3); // after every snapshot: only folding the stream brings it in

    LedgerVerticle restarted = deploy(new LedgerVerticle(broker.bridge, 1000, 4, NEVER));
    await().atMost(Duration.ofSeconds(10)).until(restarted::caughtUp);
    long last = lastSequence();

    assertThat(restarted.startedFrom()).as("started from a snapshot").isPositive();
    assertThat(restarted.foldedMessages().await(5, TimeUnit.SECONDS)).as("folded only the messages after it")
        .isEqualTo(last - restarted.startedFrom()).isLessThan(last);
    assertSameState(restarted, writer);
    assertThat(restarted.level("LATE").await(5, TimeUnit.SECONDS)).contains(new StockLevel("LATE", 3, 0, 0));
    // The restarted ledger knows every order the writer decided: none is reserved a second time.
    for (Event.OrderPlaced order : placed) restarted.execute(delivery(order), l -> l.decideReserve(order)).await(5, TimeUnit.SECONDS);
    assertThat(lastSequence()).as("nothing decided twice").isEqualTo(last);
  }

  @Test
  void aSnapshotThatTakesEffectAtAnIntervalTickHoldsTheLedgerAtItsLastSequence() throws Exception {
    LedgerVerticle writer = deploy(new LedgerVerticle(broker.bridge, 1000, 1_000_000, Duration.ofMillis(100)));
    decide(writer, 3);
    long last = lastSequence();
    LedgerVerticle[] restarted = new LedgerVerticle[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      if (restarted[0] != null) broker.vertx.undeploy(restarted[0].deploymentID()).await(5, TimeUnit.SECONDS);
      restarted[0] = deploy(new LedgerVerticle(broker.bridge, 1000, 1_000_000, NEVER));
      return restarted[0].startedFrom() == last;
    });
    assertThat(restarted[0].foldedMessages().await(5, TimeUnit.SECONDS)).isZero();
    assertSameState(restarted[0], writer);
  }

  @Test
  void aCorruptSnapshotIsIgnoredAndTheWholeStreamFolded() throws Exception {
    LedgerVerticle writer = deploy(new LedgerVerticle(broker.bridge, 1000, 1_000_000, NEVER));
    decide(writer, 5);
    byte[] garbage = "not a ledger snapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    broker.nc.objectStore(Topology.INVENTORY_SNAPSHOTS.name()).put(LedgerSnapshots.OBJECT, garbage);

    LedgerVerticle restarted = deploy(new LedgerVerticle(broker.bridge, 1000, 1_000_000, NEVER));
    await().atMost(Duration.ofSeconds(10)).until(restarted::caughtUp);

    assertThat(restarted.startedFrom()).isZero();
    assertThat(restarted.foldedMessages().await(5, TimeUnit.SECONDS)).isEqualTo(lastSequence());
    assertSameState(restarted, writer);
  }

  private LedgerVerticle deploy(LedgerVerticle ledger) throws Exception {
    broker.vertx.deployVerticle(ledger).await(10, TimeUnit.SECONDS);
    return ledger;
  }

  /** One StockSet, then {@code orders} reservations decided by the writer (the last ones rejected for want of stock). */
  private void decide(LedgerVerticle writer, int orders) throws Exception {
    stockSet("HOT", orders - 2);
    for (int i = 0; i < orders; i++) {
      var order = new Event.OrderPlaced(Ids.newOrderId(), "c-" + i, List.of(new OrderLine("HOT", 1, 100)), 100, "EUR", "h");
      placed.add(order);
      writer.execute(delivery(order), l -> l.decideReserve(order)).await(5, TimeUnit.SECONDS);
    }
    Event.OrderPlaced first = placed.getFirst();
    writer.execute(delivery(first), l -> l.decideCommit(first.orderId())).await(5, TimeUnit.SECONDS);
  }

  private void stockSet(String sku, long available) throws Exception {
    broker.bridge.publish(Envelope.of(new Event.StockSet(sku, available), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
  }

  private static Delivery delivery(Event.OrderPlaced order) {
    Envelope e = Envelope.of(order, Instant.now(), null, null);
    return new Delivery(e, EventCodec.encode(e), 1, 0);
  }

  private long lastSequence() throws Exception {
    return broker.nc.jetStreamManagement().getStreamInfo(Topology.INVENTORY).getStreamState().getLastSequence();
  }

  private static void assertSameState(LedgerVerticle a, LedgerVerticle b) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(a.level("HOT").await(5, TimeUnit.SECONDS)).isEqualTo(b.level("HOT").await(5, TimeUnit.SECONDS)).isPresent());
  }
}
