package io.orderflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.orderflow.audit.AuditLog;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.ChainState;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.EventType;
import io.orderflow.orders.OrderProjection;
import io.orderflow.orders.domain.OrderStatus;
import io.orderflow.inventory.LedgerVerticle;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.nats.NatsServerBinary;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryLoaderTest {
  @TempDir
  Path dir;

  private final HistoryLoader loader = new HistoryLoader("test");

  @Test
  void aHistoryOrderHasThePaidOrdersSixEventsEachCausedByTheOneBeforeAndDecodable() {
    var o = loader.order(7, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(o.events()).extracting(Envelope::type).containsExactly(EventType.ORDER_PLACED, EventType.STOCK_RESERVED,
        EventType.PAYMENT_AUTHORIZED, EventType.ORDER_CONFIRMED, EventType.STOCK_COMMITTED, EventType.NOTIFICATION_SENT);
    for (Envelope e : o.events()) {
      assertThat(EventCodec.decode(EventCodec.encode(e))).isInstanceOfSatisfying(Decoded.Ok.class,
          ok -> assertThat(ok.envelope()).isEqualTo(e));
      assertThat(e.subject()).isEqualTo(o.orderId());
    }
    var ids = o.events().stream().map(Envelope::id).toList();
    assertThat(o.events().get(0).causationId()).isNull();
    assertThat(o.events().get(1).causationId()).isEqualTo(ids.get(0));
    assertThat(o.events().get(2).causationId()).isEqualTo(ids.get(1));
    assertThat(o.events().get(3).causationId()).isEqualTo(ids.get(2));
    assertThat(o.events().get(4).causationId()).isEqualTo(ids.get(3));
    assertThat(o.events().get(5).causationId()).isEqualTo(ids.get(3));
    var view = OrderProjection.fromJson(new JsonObject(Buffer.buffer(o.view())));
    assertThat(view.status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(view.key()).isEqualTo(o.viewKey());
    assertThat(loader.order(7, Instant.EPOCH).orderId()).as("the same id for the same order").isEqualTo(o.orderId());
    assertThat(new HistoryLoader("other").orderId(7)).as("another load's ids differ").isNotEqualTo(o.orderId());
  }

  @Test
  void historyLinesNeverUseTheSkusWithoutStock() {
    String firstEmpty = Bench.sku(Bench.SKUS - Bench.OUT_OF_STOCK_SKUS);
    for (int i = 0; i < 5_000; i++) {
      assertThat(HistoryLoader.lines(i)).isNotEmpty().allSatisfy(l -> assertThat(l.sku()).isLessThan(firstEmpty));
    }
  }

  @Test
  void loadsIntoAProvisionedBrokerChainsTheAuditLogAndLeavesNothingForTheConsumers() throws Exception {
    try (Supervisor sup = new Supervisor(dir)) {
      NatsNodes nats = NatsNodes.start(sup, NatsServerBinary.find().toString(), 1, null, new Http());
      try (Connection nc = Bench.connect(nats.urls(), "history-test")) {
        new Provisioner(1, Duration.ofMinutes(2), new Provisioner.ConsumerSettings(Duration.ofSeconds(30), -1, 1000, Duration.ofSeconds(10)))
            .provision(nc);
        int n = Integer.getInteger("history.test.orders", 3_000);
        var loaded = loader.load(nats.urls(), n, 1_000_000);
        System.out.printf("history test: %d orders written in %.1f s, drained %d in %.1f s%n", n, loaded.writeSeconds(), loaded.drainedMessages(), loaded.drainSeconds());

        assertThat(loaded.orderIds()).hasSize(n);
        assertThat(loaded.events()).isEqualTo(6L * n + Bench.SKUS);
        JetStreamManagement jsm = nc.jetStreamManagement();
        assertThat(jsm.getStreamInfo(Topology.ORDERS).getStreamState().getMsgCount()).isEqualTo(2L * n);
        assertThat(jsm.getStreamInfo(Topology.INVENTORY).getStreamState().getMsgCount()).isEqualTo(2L * n + Bench.SKUS);
        assertThat(jsm.getStreamInfo(Topology.kvStream(Topology.ORDERS_VIEW)).getStreamState().getMsgCount()).isEqualTo(n);
        for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
          var ci = jsm.getConsumerInfo(c.stream(), c.durable());
          assertThat(ci.getNumPending() + ci.getNumAckPending()).as(c.durable() + " has nothing left").isZero();
        }
        assertThat(loaded.drainedMessages()).as("every delivery the services would have had").isGreaterThanOrEqualTo(12L * n);

        // The chain verifies from genesis through every block, as audit's verifier reads them, and the checkpoint is its end.
        long last = jsm.getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
        assertThat(last).isEqualTo(loaded.auditBlocks());
        long index = 0;
        String head = HashChain.GENESIS;
        ChainState fullFold = new ChainState();
        for (long s = 1; s <= last; s++) {
          AuditBlock b = decode(jsm.getMessage(Topology.AUDIT, s).getData());
          fullFold.fold(s, b);
          assertThat(HashChain.check(b, index, head)).as("block " + s).isNull();
          for (AuditBlock.Entry e : b.entries()) {
            assertThat(EventCodec.decode(e.event().getBytes(StandardCharsets.UTF_8))).isInstanceOf(Decoded.Ok.class);
          }
          index = b.nextIndex();
          head = b.hash();
        }
        assertThat(index).isEqualTo(loaded.events());
        var cp = new JsonObject(Buffer.buffer(nc.keyValue(Topology.AUDIT_CHECKPOINT.name()).get("chain").getValue()));
        assertThat(cp.getLong("streamSequence")).isEqualTo(last);
        assertThat(cp.getLong("nextIndex")).isEqualTo(index);
        assertThat(cp.getString("hash")).isEqualTo(head);
        assertThat(loaded.sold().values().stream().mapToLong(Long::longValue).sum()).isPositive();

        servicesStartFromTheSnapshotsWithTheStateOfAFullFold(nc, loaded, fullFold);
      }
    }
  }

  /** What the services would do on this broker: start from the loader's snapshots, fold nothing, hold the same state. */
  private void servicesStartFromTheSnapshotsWithTheStateOfAFullFold(Connection nc, HistoryLoader.Loaded loaded, ChainState fullFold)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JetStreamBridge bridge = new JetStreamBridge(vertx, nc);
      JetStreamManagement jsm = nc.jetStreamManagement();

      AuditLog audit = deploy(vertx, new AuditLog(bridge, "history-test", 10_000, 5, 300));
      assertThat(audit.startedFrom()).as("audit starts at the history's end").isEqualTo(jsm.getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence());
      assertThat(audit.caughtUp()).isTrue();
      for (String order : loaded.orderIds()) {
        assertThat(audit.positions(order).await(5, TimeUnit.SECONDS)).as(order).hasSize(6).isEqualTo(fullFold.positions(order));
      }

      LedgerVerticle fromSnapshot = deploy(vertx, new LedgerVerticle(bridge, 1_000_000));
      long inventoryEnd = jsm.getStreamInfo(Topology.INVENTORY).getStreamState().getLastSequence();
      assertThat(fromSnapshot.startedFrom()).as("inventory starts at the history's end").isEqualTo(inventoryEnd);
      assertThat(fromSnapshot.caughtUp()).isTrue();
      nc.objectStore(Topology.INVENTORY_SNAPSHOTS.name()).delete("ledger");
      LedgerVerticle folded = deploy(vertx, new LedgerVerticle(bridge, 1_000_000));
      assertThat(folded.startedFrom()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(folded::caughtUp);
      for (int i = 0; i < Bench.SKUS; i++) {
        String sku = Bench.sku(i);
        assertThat(fromSnapshot.level(sku).await(5, TimeUnit.SECONDS)).as(sku).isEqualTo(folded.level(sku).await(5, TimeUnit.SECONDS));
        assertThat(fromSnapshot.level(sku).await(5, TimeUnit.SECONDS).orElseThrow().sold()).isEqualTo(loaded.sold().getOrDefault(sku, 0L));
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static <V extends io.vertx.core.Deployable> V deploy(Vertx vertx, V verticle) throws Exception {
    vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
    return verticle;
  }

  /** The fields audit's BlockCodec reads. */
  private static AuditBlock decode(byte[] data) {
    JsonObject j = new JsonObject(Buffer.buffer(data));
    List<AuditBlock.Entry> entries = new ArrayList<>();
    for (Object o : j.getJsonArray("entries")) {
      JsonObject e = (JsonObject) o;
      entries.add(new AuditBlock.Entry(e.getLong("index"), e.getString("eventId"), e.getString("subject"), e.getString("event"), e.getString("hash")));
    }
    return new AuditBlock(j.getLong("firstIndex"), j.getString("previousHash"), List.copyOf(entries), j.getString("hash"));
  }
}
