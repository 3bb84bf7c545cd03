package io.orderflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.audit.domain.ChainSnapshot;
import io.orderflow.audit.domain.ChainSnapshotCodec;
import io.orderflow.runtime.ProvisionedBroker;
import io.orderflow.runtime.messaging.Topology;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An audit log starts from the newest snapshot and folds only the blocks after it; a snapshot it cannot use
 * makes it fold the whole stream. Either way it ends with the same index as the writer: the same positions per
 * order, and nothing it already holds is chained again.
 */
class AuditSnapshotTest {
  private static final Duration NEVER = Duration.ofHours(1);
  ProvisionedBroker broker;
  final List<String[]> appended = new ArrayList<>(); // {eventId, subject}

  @BeforeEach
  void start() throws Exception {
    broker = ProvisionedBroker.start();
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
  }

  @Test
  void aLogStartsFromTheSnapshotAndFoldsOnlyTheBlocksAfterIt() throws Exception {
    AuditLog writer = deploy(log(4, NEVER));
    append(writer, 6);
    await().atMost(Duration.ofSeconds(10)).until(() -> stored().isPresent());
    append(writer, 1); // after the snapshot: only folding the stream brings it in

    AuditLog restarted = deploy(log(4, NEVER));
    await().atMost(Duration.ofSeconds(10)).until(restarted::caughtUp);
    long last = lastSequence();

    assertThat(restarted.startedFrom()).as("started from a snapshot").isPositive();
    assertThat(restarted.foldedBlocks().await(5, TimeUnit.SECONDS)).as("folded only the blocks after it")
        .isEqualTo(last - restarted.startedFrom()).isLessThan(last);
    assertSameIndex(restarted, writer);
    assertNothingChainedTwice(restarted, last);
  }

  @Test
  void aSnapshotTakenAtAnIntervalTickHoldsTheStateAtTheLastBlock() throws Exception {
    AuditLog writer = deploy(log(1_000_000, Duration.ofMillis(100)));
    append(writer, 3);
    long last = lastSequence();
    await().atMost(Duration.ofSeconds(10)).until(() -> stored().map(s -> s.sequence() == last).orElse(false));

    AuditLog restarted = deploy(log(1_000_000, NEVER));
    await().atMost(Duration.ofSeconds(10)).until(restarted::caughtUp);
    assertThat(restarted.startedFrom()).isEqualTo(last);
    assertThat(restarted.foldedBlocks().await(5, TimeUnit.SECONDS)).isZero();
    assertSameIndex(restarted, writer);
  }

  @Test
  void aCorruptSnapshotIsIgnoredAndTheWholeStreamFolded() throws Exception {
    append(deploy(log(1_000_000, NEVER)), 3);
    broker.nc.objectStore(Topology.AUDIT_SNAPSHOTS.name()).put(AuditSnapshots.OBJECT, "not a snapshot".getBytes());
    assertFullFold();
  }

  @Test
  void aSnapshotWhoseHeadIsNotTheBlockAtItsSequenceIsIgnored() throws Exception {
    AuditLog writer = deploy(log(2, NEVER));
    append(writer, 3);
    ChainSnapshot s = await().atMost(Duration.ofSeconds(10)).until(this::stored, java.util.Optional::isPresent).orElseThrow();
    overwrite(new ChainSnapshot(s.sequence(), s.stream(), s.nextIndex(), "f".repeat(64), s.brokenAt(), s.subjects()));
    assertFullFold();
  }

  @Test
  void aSnapshotOfAnotherIncarnationOfTheStreamIsIgnored() throws Exception {
    AuditLog writer = deploy(log(2, NEVER));
    append(writer, 3);
    ChainSnapshot s = await().atMost(Duration.ofSeconds(10)).until(this::stored, java.util.Optional::isPresent).orElseThrow();
    overwrite(s.ofStream("2001-01-01T00:00:00Z"));
    assertFullFold();
  }

  private void assertFullFold() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> lastSequence() > 0);
    AuditLog restarted = deploy(log(1_000_000, NEVER));
    await().atMost(Duration.ofSeconds(10)).until(restarted::caughtUp);
    long last = lastSequence();
    assertThat(restarted.startedFrom()).isZero();
    assertThat(restarted.foldedBlocks().await(5, TimeUnit.SECONDS)).isEqualTo(last);
    assertNothingChainedTwice(restarted, last);
  }

  private AuditLog log(int snapshotEvery, Duration interval) {
    return new AuditLog(broker.bridge, "test", 10_000, 5, 300, snapshotEvery, interval);
  }

  private AuditLog deploy(AuditLog log) throws Exception {
    broker.vertx.deployVerticle(log).await(10, TimeUnit.SECONDS);
    return log;
  }

  /** {@code orders} orders of two events each (the second caused by the first), each appended after the one before. */
  private void append(AuditLog writer, int orders) throws Exception {
    for (int i = 0; i < orders; i++) {
      String order = UUID.randomUUID().toString();
      String placed = UUID.randomUUID().toString();
      String reserved = UUID.randomUUID().toString();
      writer.append(placed, order, null, "{\"placed\":" + i + "}", 1).await(5, TimeUnit.SECONDS);
      writer.append(reserved, order, placed, "{\"reserved\":" + i + "}", 1).await(5, TimeUnit.SECONDS);
      appended.add(new String[] {placed, order});
      appended.add(new String[] {reserved, order});
    }
  }

  private void assertSameIndex(AuditLog a, AuditLog b) throws Exception {
    for (String[] e : appended) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(a.positions(e[1]).await(5, TimeUnit.SECONDS)).isEqualTo(b.positions(e[1]).await(5, TimeUnit.SECONDS)).hasSize(2));
    }
  }

  /** Every event appended again (as after a redelivery) is found in the index: no block is written. */
  private void assertNothingChainedTwice(AuditLog log, long last) throws Exception {
    for (String[] e : appended) log.append(e[0], e[1], null, "{\"again\":true}", 2).await(5, TimeUnit.SECONDS);
    assertThat(lastSequence()).as("nothing chained twice").isEqualTo(last);
  }

  private java.util.Optional<ChainSnapshot> stored() throws Exception {
    var store = broker.nc.objectStore(Topology.AUDIT_SNAPSHOTS.name());
    var info = store.getInfo(AuditSnapshots.OBJECT);
    if (info == null || info.isDeleted()) return java.util.Optional.empty();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    store.get(AuditSnapshots.OBJECT, data);
    return java.util.Optional.of(ChainSnapshotCodec.decode(data.toByteArray()));
  }

  private void overwrite(ChainSnapshot s) throws Exception {
    broker.nc.objectStore(Topology.AUDIT_SNAPSHOTS.name()).put(AuditSnapshots.OBJECT, ChainSnapshotCodec.encode(s));
  }

  private long lastSequence() throws Exception {
    return broker.nc.jetStreamManagement().getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
  }
}
