package io.orderflow.runtime.backup;

import static io.orderflow.runtime.backup.BackupWorld.info;
import static io.orderflow.runtime.backup.BackupWorld.provisioned;
import static io.orderflow.runtime.backup.BackupWorld.publish;
import static io.orderflow.runtime.backup.BackupWorld.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.nats.NatsIdentities;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups taken from one real nats-server and restored onto another, as the backup identity. */
class JetStreamBackupTest {
  @TempDir
  Path tmp;

  @Test
  void aRestoredServerHoldsEveryMessageSequenceAndConsumerPositionOfTheBackup() throws Exception {
    byte[] ledger = new byte[300_000];
    new Random(7).nextBytes(ledger);
    try (NatsServer source = provisioned(); Connection from = source.connect(); NatsServer target = NatsServer.secured(); Connection to = target.connect()) {
      publish(from, Subjects.ORDERS_PLACED, 200, 700);
      publish(from, Subjects.INVENTORY_RESERVED, 100, 600);
      publish(from, Subjects.PAYMENTS, 300, 600);
      publish(from, Subjects.SYSTEM_BREAKER, 3, 300);
      publish(from, Subjects.AUDIT_BLOCKS, 10, 4000);
      publish(from, Subjects.DLQ + ".inventory-orders", 5, 800);
      from.jetStreamManagement().deleteMessage(Topology.DLQ, 2); // a gap the restore must keep
      for (int i = 0; i < 20; i++) from.keyValue(Topology.ORDERS_VIEW.name()).put("c-1.o-" + i, "{\"status\":\"PENDING\"}");
      from.objectStore(Topology.INVENTORY_SNAPSHOTS.name()).put("ledger", ledger);
      publish(from, Subjects.HANDOFF_PAYMENT_TOKEN, 5, 100);
      publish(from, Subjects.HANDOFF_CONTACT, 5, 100);
      var ordersPayments = from.getStreamContext(Topology.PAYMENTS).getConsumerContext(Topology.ORDERS_PAYMENTS.durable());
      try (var fetched = ordersPayments.fetchMessages(130)) {
        for (int i = 0; i < 130; i++) {
          Message m = fetched.nextMessage();
          if (i < 120) m.ackSync(Duration.ofSeconds(5));
        }
      }

      BackupManifest manifest = JetStreamBackup.backup(settings(source), tmp.resolve("backup"));
      JetStreamRestore.Report report = JetStreamRestore.restore(settings(target), tmp.resolve("backup"));

      assertThat(report.streams()).containsExactlyElementsOf(BackupScope.streams());
      assertThat(report.consumersRewound()).isZero();
      for (String stream : BackupScope.streams()) {
        var was = info(from, stream).getStreamState();
        var is = info(to, stream).getStreamState();
        assertThat(is.getMsgCount()).as(stream).isEqualTo(was.getMsgCount());
        // (an empty stream reports first sequence 0 before its first message and 1 once restored: both hold nothing)
        if (was.getMsgCount() > 0) assertThat(is.getFirstSequence()).as(stream).isEqualTo(was.getFirstSequence());
        assertThat(is.getLastSequence()).as(stream).isEqualTo(was.getLastSequence());
        assertThat(is.getDeletedCount()).as(stream).isEqualTo(was.getDeletedCount());
        assertThat(info(to, stream).getConfiguration().toJson()).as(stream).isEqualTo(info(from, stream).getConfiguration().toJson());
        for (long seq = was.getFirstSequence(); seq <= was.getLastSequence() && was.getMsgCount() > 0; seq++) {
          if (stream.equals(Topology.DLQ) && seq == 2) continue;
          var a = from.jetStreamManagement().getMessage(stream, seq);
          var b = to.jetStreamManagement().getMessage(stream, seq);
          assertThat(b.getSubject()).isEqualTo(a.getSubject());
          assertThat(b.getData()).as(stream + " " + seq).isEqualTo(a.getData());
        }
      }
      for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
        ConsumerInfo was = from.jetStreamManagement().getConsumerInfo(c.stream(), c.durable());
        ConsumerInfo is = to.jetStreamManagement().getConsumerInfo(c.stream(), c.durable());
        assertThat(is.getConsumerConfiguration().getFilterSubjects()).as(c.durable()).isEqualTo(was.getConsumerConfiguration().getFilterSubjects());
        assertThat(is.getAckFloor().getStreamSequence()).as(c.durable()).isEqualTo(was.getAckFloor().getStreamSequence());
        assertThat(is.getNumPending()).as(c.durable()).isEqualTo(was.getNumPending());
      }
      var restored = to.jetStreamManagement().getConsumerInfo(Topology.PAYMENTS, Topology.ORDERS_PAYMENTS.durable());
      assertThat(restored.getAckFloor().getStreamSequence()).isEqualTo(120);
      assertThat(restored.getNumPending()).isEqualTo(170);
      assertThat(new String(to.keyValue(Topology.ORDERS_VIEW.name()).get("c-1.o-7").getValue(), StandardCharsets.UTF_8)).contains("PENDING");
      var copy = new ByteArrayOutputStream();
      to.objectStore(Topology.INVENTORY_SNAPSHOTS.name()).get("ledger", copy);
      assertThat(copy.toByteArray()).isEqualTo(ledger);

      // No payment token and no address is in the backup; provisioning makes their (empty) streams again.
      assertThat(manifest.excluded()).extracting(BackupManifest.Excluded::stream).containsExactlyInAnyOrder(Topology.PAYMENT_TOKENS, Topology.CONTACTS);
      try (var files = Files.list(tmp.resolve("backup"))) {
        assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.contains("PAYMENT_TOKENS") || f.contains("CONTACTS"));
      }
      assertThat(to.jetStreamManagement().getStreamNames()).doesNotContain(Topology.PAYMENT_TOKENS, Topology.CONTACTS);
      try (Connection provisioner = target.connectAs(NatsIdentities.PROVISIONER)) {
        var changes = Provisioner.from(settings(target)).provision(provisioner);
        assertThat(changes.with(Provisioner.Outcome.CREATED)).extracting(Provisioner.Change::what)
            .containsExactlyInAnyOrder("stream " + Topology.PAYMENT_TOKENS, "stream " + Topology.CONTACTS);
        assertThat(changes.with(Provisioner.Outcome.UPDATED)).isEmpty();
      }
      assertThat(source.violations()).isEmpty();
      assertThat(target.violations()).isEmpty();
    }
  }

  @Test
  void consumersThatMoveDuringTheBackupArePutBackToWhereTheyStoodWhenItStarted() throws Exception {
    try (NatsServer source = provisioned(); Connection from = source.connect(); Connection acking = source.connect();
        NatsServer target = NatsServer.secured(); Connection to = target.connect()) {
      publish(from, Subjects.PAYMENTS, 30_000, 600);
      // orders at work during the backup: its consumer acknowledges one message after another all along
      AtomicBoolean stop = new AtomicBoolean();
      var consumer = acking.getStreamContext(Topology.PAYMENTS).getConsumerContext(Topology.ORDERS_PAYMENTS.durable());
      Thread acker = Thread.ofPlatform().name("acker").start(() -> {
        try {
          while (!stop.get()) {
            Message m = consumer.next(Duration.ofSeconds(1));
            if (m != null) m.ackSync(Duration.ofSeconds(5));
          }
        } catch (Exception e) {
          if (!stop.get()) throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> ackFloor(from) > 0);

      BackupManifest manifest = JetStreamBackup.backup(settings(source), tmp.resolve("backup"));
      long atEnd = ackFloor(from);
      stop.set(true);
      acker.join(10_000);

      long recorded = manifest.positions().stream().filter(p -> p.consumer().equals(Topology.ORDERS_PAYMENTS.durable())).findFirst().orElseThrow().ackFloor();
      assertThat(recorded).isPositive().isLessThan(atEnd);
      var report = JetStreamRestore.restore(settings(target), tmp.resolve("backup"));
      assertThat(report.consumersRewound()).isEqualTo(1);
      assertThat(ackFloor(to)).isEqualTo(recorded);
      Message next = to.getStreamContext(Topology.PAYMENTS).getConsumerContext(Topology.ORDERS_PAYMENTS.durable()).next(Duration.ofSeconds(5));
      assertThat(next.metaData().streamSequence()).isEqualTo(recorded + 1);
      System.out.printf("backup while orders-payments acknowledged: recorded at %d, %d when the backup ended, restored to %d%n", recorded, atEnd, recorded);
    }
  }

  @Test
  void aRealisticVolumeIsBackedUpAndRestoredAndTimed() throws Exception {
    try (NatsServer source = provisioned(); Connection from = source.connect(); NatsServer target = NatsServer.secured(); Connection to = target.connect()) {
      // About 4,500 paid orders' worth: 11 writes per order, audit blocks bigger than events.
      publish(from, Subjects.ORDERS_PLACED, 10_000, 700);
      publish(from, Subjects.ORDERS_ENDED, 10_000, 650);
      publish(from, Subjects.INVENTORY_RESERVED, 10_000, 600);
      publish(from, Subjects.PAYMENTS, 10_000, 600);
      publish(from, Subjects.NOTIFICATIONS, 5_000, 400);
      publish(from, Subjects.AUDIT_BLOCKS, 5_000, 3000);
      long stored = from.jetStreamManagement().getAccountStatistics().getStorage();

      long t0 = System.nanoTime();
      BackupManifest manifest = JetStreamBackup.backup(settings(source), tmp.resolve("backup"));
      long backupMs = (System.nanoTime() - t0) / 1_000_000;
      JetStreamRestore.Report report = JetStreamRestore.restore(settings(target), tmp.resolve("backup"));

      assertThat(manifest.messages()).isEqualTo(50_000);
      assertThat(BackupWorld.storedMessages(to.jetStreamManagement(), BackupScope.streams())).isEqualTo(50_000);
      System.out.printf("backup of %,d messages (%,d bytes stored) into %,d bytes of snapshots took %d ms; restore took %d ms (%d streams)%n",
          manifest.messages(), stored, manifest.bytes(), backupMs, report.elapsed().toMillis(), report.streams().size());
    }
  }

  @Test
  void aDamagedFileIsRefusedBeforeTheServerIsTouched() throws Exception {
    Path dir = smallBackup();
    Path payments = dir.resolve("PAYMENTS" + JetStreamBackup.SUFFIX);
    byte[] bytes = Files.readAllBytes(payments);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(payments, bytes);
    try (NatsServer target = NatsServer.secured(); Connection to = target.connect()) {
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("backup file PAYMENTS.tar.s2 is damaged: SHA-256 ");
      assertThat(to.jetStreamManagement().getStreamNames()).isEmpty();
    }
  }

  @Test
  void aFileThatMatchesItsManifestButIsNoSnapshotIsRefusedByTheServerAndLeavesNoStream() throws Exception {
    Path dir = smallBackup();
    Path payments = dir.resolve("PAYMENTS" + JetStreamBackup.SUFFIX);
    byte[] bytes = Files.readAllBytes(payments);
    Arrays.fill(bytes, bytes.length / 3, bytes.length / 3 + 64, (byte) 0x42);
    Files.write(payments, bytes);
    // Someone "fixed" the manifest too: the checksum passes, the server still refuses.
    String manifest = Files.readString(dir.resolve(BackupManifest.FILE));
    String oldSha = new io.vertx.core.json.JsonObject(manifest).getJsonArray("streams").stream().map(io.vertx.core.json.JsonObject.class::cast)
        .filter(s -> s.getString("name").equals(Topology.PAYMENTS)).findFirst().orElseThrow().getString("sha256");
    Files.writeString(dir.resolve(BackupManifest.FILE), manifest.replace(oldSha, BackupManifest.sha256(payments)));
    try (NatsServer target = NatsServer.secured(); Connection to = target.connect()) {
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("restore of PAYMENTS: restore failed");
      assertThat(to.jetStreamManagement().getStreamNames()).doesNotContain(Topology.PAYMENTS);
    }
  }

  @Test
  void aManifestThatWouldWidenAStreamOrLetAuditBeDeletedIsRefusedBeforeTheServerIsTouched() throws Exception {
    Path dir = smallBackup();
    String original = Files.readString(dir.resolve(BackupManifest.FILE));
    io.vertx.core.json.JsonObject m = new io.vertx.core.json.JsonObject(original);
    for (Object o : m.getJsonArray("streams")) {
      io.vertx.core.json.JsonObject config = ((io.vertx.core.json.JsonObject) o).getJsonObject("config");
      if (config.getString("name").equals(Topology.AUDIT)) config.put("deny_delete", false);
    }
    Files.writeString(dir.resolve(BackupManifest.FILE), m.encode());
    try (NatsServer target = NatsServer.secured(); Connection to = target.connect()) {
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class).hasMessageContaining("stream AUDIT in the backup allows deletes or purges");
      m = new io.vertx.core.json.JsonObject(original);
      for (Object o : m.getJsonArray("streams")) {
        io.vertx.core.json.JsonObject config = ((io.vertx.core.json.JsonObject) o).getJsonObject("config");
        if (config.getString("name").equals(Topology.ORDERS)) config.getJsonArray("subjects").add("orderflow.payments.>");
      }
      Files.writeString(dir.resolve(BackupManifest.FILE), m.encode());
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class).hasMessageContaining("stream ORDERS in the backup takes subjects");
      assertThat(to.jetStreamManagement().getStreamNames()).isEmpty();
    }
  }

  @Test
  void aBackupWithoutItsManifestOrWithAFileMissingIsRefused() throws Exception {
    Path dir = smallBackup();
    Path moved = tmp.resolve("ORDERS.moved");
    Files.move(dir.resolve("ORDERS" + JetStreamBackup.SUFFIX), moved);
    try (NatsServer target = NatsServer.secured()) {
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class)
          .hasMessage("backup is incomplete: ORDERS.tar.s2 (stream ORDERS) is missing");
      Files.move(moved, dir.resolve("ORDERS" + JetStreamBackup.SUFFIX));
      Files.delete(dir.resolve(BackupManifest.FILE));
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("has no manifest.json: not a backup, or one that did not finish");
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), tmp.resolve("nowhere")))
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("no backup at");
    }
  }

  @Test
  void aRestoreOverwritesNoExistingStreamUnlessToldTo() throws Exception {
    Path dir = smallBackup();
    try (NatsServer target = provisioned(); Connection to = target.connect()) {
      assertThatThrownBy(() -> JetStreamRestore.restore(settings(target), dir))
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("restore refused: the server already has stream KV_CATALOG, ")
          .hasMessageContaining("ORDERS");
      assertThat(info(to, Topology.PAYMENTS).getStreamState().getMsgCount()).isZero();

      // An administrator's connection (the test harness here) may replace them.
      var report = JetStreamRestore.restore(to, dir, true);
      assertThat(report.streams()).contains(Topology.PAYMENTS);
      assertThat(info(to, Topology.PAYMENTS).getStreamState().getMsgCount()).isEqualTo(50);
    }
  }

  @Test
  void aBackupGoesIntoANewOrEmptyDirectoryOnly() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("used"));
    Files.writeString(dir.resolve("notes.txt"), "something else");
    try (NatsServer source = provisioned()) {
      assertThatThrownBy(() -> JetStreamBackup.backup(settings(source), dir))
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("it is not empty");
    }
  }

  /** A backup of a provisioned server with 50 payment events. */
  private Path smallBackup() throws Exception {
    Path dir = tmp.resolve("small");
    try (NatsServer source = provisioned(); Connection from = source.connect()) {
      publish(from, Subjects.PAYMENTS, 50, 600);
      publish(from, Subjects.ORDERS_PLACED, 20, 700);
      JetStreamBackup.backup(settings(source), dir);
    }
    return dir;
  }

  private static long ackFloor(Connection nc) throws Exception {
    return nc.jetStreamManagement().getConsumerInfo(Topology.PAYMENTS, Topology.ORDERS_PAYMENTS.durable()).getAckFloor().getStreamSequence();
  }
}
