package io.orderflow.runtime.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageGetRequest;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.backup.JetStreamBackup;
import io.orderflow.runtime.messaging.NatsConnector;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/nats/identities.conf on a real nats-server: each denial the security issue names, each with a control
 * showing the permitted twin works (so a denial is the rule's doing, not a broken connection).
 */
class NatsPermissionsTest {
  private static final JetStreamOptions QUICK = JetStreamOptions.builder().requestTimeout(Duration.ofMillis(750)).build();
  static NatsServer nats;
  static Connection harness;

  @BeforeAll
  static void provision() throws Exception {
    nats = NatsServer.secured();
    harness = nats.connect();
    try (Connection provisioner = nats.connectAs(NatsIdentities.PROVISIONER)) {
      Provisioner.from(Settings.of(nats.settings())).provision(provisioner);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    // The server logs each violation: the pipeline tests rely on these lines to prove they had none.
    assertThat(nats.violations()).anySatisfy(l -> assertThat(l).contains("Publish Violation"));
    harness.close();
    nats.close();
  }

  /** A connection as an identity that records the server's asynchronous errors (the permission violations). */
  record As(Connection nc, List<String> errors) implements AutoCloseable {
    JetStreamManagement jsm() throws Exception {
      return nc.jetStreamManagement(QUICK);
    }

    void publish(String subject) throws Exception {
      nc.jetStream(QUICK).publish(subject, "{}".getBytes(StandardCharsets.UTF_8));
    }

    /** The action fails and the server says why: a permissions violation. */
    void denied(ThrowingAction action) throws Exception {
      assertThatThrownBy(action::run).isInstanceOf(Exception.class);
      Instant deadline = Instant.now().plusSeconds(5);
      while (errors.stream().noneMatch(e -> e.contains("Permissions Violation")) && Instant.now().isBefore(deadline)) Thread.onSpinWait();
      assertThat(errors).anySatisfy(e -> assertThat(e).contains("Permissions Violation"));
      errors.clear();
    }

    @Override
    public void close() throws Exception {
      nc.close();
    }
  }

  /** A request's answer; none (a denied request is dropped by the server) is a failure. */
  static io.nats.client.Message answered(io.nats.client.Message reply) {
    if (reply == null) throw new IllegalStateException("no answer");
    return reply;
  }

  interface ThrowingAction {
    void run() throws Exception;
  }

  static As as(String identity) throws Exception {
    List<String> errors = new CopyOnWriteArrayList<>();
    Options options = NatsConnector.options(Settings.of(nats.settings()), identity).errorListener(new ErrorListener() {
      @Override
      public void errorOccurred(Connection conn, String error) {
        errors.add(error);
      }
    }).build();
    return new As(Nats.connect(options), errors);
  }

  static long lastSequence(String stream) throws Exception {
    return harness.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
  }

  @Test
  void anAnonymousConnectionAndAWrongPasswordAreRefused() {
    assertThatThrownBy(() -> Nats.connect(new Options.Builder().server(nats.url()).maxReconnects(0).build()))
        .hasMessageContaining("Authorization Violation");
    assertThatThrownBy(() -> Nats.connect(new Options.Builder().server(nats.url()).maxReconnects(0)
        .userInfo("payments", "not-the-password").build()))
        .hasMessageContaining("Authorization Violation");
  }

  @Test
  void paymentsCannotPublishAnOrderEventButPublishesItsOwn() throws Exception {
    long orders = lastSequence(Topology.ORDERS);
    try (As payments = as("payments")) {
      payments.denied(() -> payments.publish(Subjects.ORDERS_PLACED + ".o-forged"));
      payments.denied(() -> payments.publish(Subjects.INVENTORY_RESERVED + ".o-forged"));
      payments.publish(Subjects.PAYMENTS + ".o-own");
    }
    assertThat(lastSequence(Topology.ORDERS)).isEqualTo(orders);
  }

  @Test
  void notificationsCannotReadPaymentsNorListenToThem() throws Exception {
    long seq = harness.jetStream().publish(Subjects.PAYMENTS + ".o-read", "{}".getBytes(StandardCharsets.UTF_8)).getSeqno();
    try (As notifications = as("notifications")) {
      notifications.denied(() -> notifications.jsm().getMessage(Topology.PAYMENTS, seq));
      notifications.denied(() -> notifications.jsm().getMessage(Topology.PAYMENTS, MessageGetRequest.lastForSubject(Subjects.PAYMENTS + ".o-read")));
      notifications.denied(() -> notifications.jsm().getMessage(Topology.PAYMENT_TOKENS, 1));
      // A plain subscription to the subjects would see every payment as it is published.
      notifications.nc().subscribe(Subjects.PAYMENTS + ".>");
      notifications.denied(() -> {
        notifications.nc().flush(Duration.ofSeconds(2));
        throw new IllegalStateException("subscribed; the server answers asynchronously");
      });
      // Nor pull from payments' consumer, which has a message waiting.
      harness.jetStream().publish(Subjects.INVENTORY_RESERVED + ".o-steal", "{}".getBytes(StandardCharsets.UTF_8));
      notifications.denied(() -> {
        var stolen = notifications.nc().jetStream(QUICK).getConsumerContext(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable())
            .next(Duration.ofSeconds(2));
        if (stolen == null) throw new IllegalStateException("nothing delivered");
      });
    }
    try (As payments = as("payments")) {
      assertThat(payments.jsm().getMessage(Topology.PAYMENTS, seq).getSubject()).isEqualTo(Subjects.PAYMENTS + ".o-read");
    }
  }

  @Test
  void nobodyPurgesOrDeletesAuditOrAnEventStream() throws Exception {
    try (As audit = as("audit")) {
      audit.publish(Subjects.AUDIT_BLOCKS);
    }
    long auditLast = lastSequence(Topology.AUDIT);
    for (String identity : NatsIdentities.ALL) {
      try (As who = as(identity)) {
        who.denied(() -> who.jsm().purgeStream(Topology.AUDIT));
        who.denied(() -> who.jsm().deleteStream(Topology.AUDIT));
        who.denied(() -> who.jsm().deleteMessage(Topology.AUDIT, auditLast));
        who.denied(() -> who.jsm().purgeStream(Topology.ORDERS));
        who.denied(() -> who.jsm().deleteStream(Topology.PAYMENTS));
      }
    }
    var state = harness.jetStreamManagement().getStreamInfo(Topology.AUDIT).getStreamState();
    assertThat(state.getLastSequence()).isEqualTo(auditLast);
    assertThat(state.getMsgCount()).isEqualTo(auditLast);
  }

  @Test
  void onlyInventoryWritesTheCatalogAndOnlyAuditItsCheckpoints() throws Exception {
    for (String identity : List.of("orders", "payments", "notifications", "audit", NatsIdentities.OPS)) {
      try (As who = as(identity)) {
        who.denied(() -> who.nc().keyValue(Topology.CATALOG.name(), io.nats.client.KeyValueOptions.builder().jetStreamOptions(QUICK).build())
            .put("sku-forged", "{\"price\":1}"));
      }
    }
    for (String identity : List.of("orders", "inventory", "payments", "notifications", NatsIdentities.OPS)) {
      try (As who = as(identity)) {
        who.denied(() -> who.publish("$KV." + Topology.AUDIT_CHECKPOINT.name() + ".forged"));
      }
    }
    try (As inventory = as("inventory"); As audit = as("audit")) {
      inventory.nc().keyValue(Topology.CATALOG.name()).put("sku-real", "{\"price\":1}");
      audit.publish("$KV." + Topology.AUDIT_CHECKPOINT.name() + ".real");
    }
  }

  @Test
  void nobodyChangesOrDrainsAServicesDurableAndNobodyButItsReaderOpensAHandOffOfSecrets() throws Exception {
    var config = io.nats.client.api.ConsumerConfiguration.builder().durable(Topology.PAYMENTS_RESERVED.durable())
        .filterSubject("orderflow.inventory.>").maxDeliver(1).build();
    for (String identity : List.of("inventory", NatsIdentities.OPS)) {
      try (As who = as(identity)) {
        who.denied(() -> who.jsm().addOrUpdateConsumer(Topology.INVENTORY, config));
      }
    }
    var kept = harness.jetStreamManagement().getConsumerInfo(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable()).getConsumerConfiguration();
    assertThat(kept.getFilterSubjects()).containsExactlyElementsOf(Topology.PAYMENTS_RESERVED.filters());
    assertThat(kept.getMaxDeliver()).isNotEqualTo(1);
    harness.jetStream().publish(Subjects.INVENTORY_RESERVED + ".o-drain", "{}".getBytes(StandardCharsets.UTF_8));
    try (As ops = as(NatsIdentities.OPS)) {
      ops.denied(() -> {
        var taken = ops.nc().jetStream(QUICK).getConsumerContext(Topology.INVENTORY, Topology.PAYMENTS_RESERVED.durable()).next(Duration.ofSeconds(2));
        if (taken == null) throw new IllegalStateException("nothing delivered");
      });
    }
    // A consumer of one's own (ephemeral, old or new API form) on a hand-off of secrets: only its reader may.
    var ephemeral = io.nats.client.api.ConsumerConfiguration.builder().build();
    var named = io.nats.client.api.ConsumerConfiguration.builder().name("peek").build();
    for (String identity : List.of(NatsIdentities.OPS, NatsIdentities.PROVISIONER)) {
      try (As who = as(identity)) {
        for (String stream : List.of(Topology.PAYMENT_TOKENS, Topology.CONTACTS)) {
          who.denied(() -> who.jsm().addOrUpdateConsumer(stream, ephemeral));
          who.denied(() -> who.jsm().addOrUpdateConsumer(stream, named));
        }
      }
    }
  }

  @Test
  void nobodyListensToAnothersReplies() throws Exception {
    try (As orders = as("orders")) {
      orders.nc().subscribe("_INBOX.payments.>");
      orders.denied(() -> {
        orders.nc().flush(Duration.ofSeconds(2));
        throw new IllegalStateException("subscribed; the server answers asynchronously");
      });
    }
  }

  @Test
  void backupSnapshotsTheStreamsButNotTheHandOffsOfSecretsAndPublishesReadsAndDeletesNothing(@TempDir Path dir) throws Exception {
    harness.jetStream().publish(Subjects.ORDERS_PLACED + ".o-backup", "{}".getBytes(StandardCharsets.UTF_8));
    harness.jetStream().publish(Subjects.HANDOFF_PAYMENT_TOKEN + ".o-backup.h", "tok".getBytes(StandardCharsets.UTF_8));
    long orders = lastSequence(Topology.ORDERS);
    try (As backup = as(NatsIdentities.BACKUP)) {
      var manifest = JetStreamBackup.backup(backup.nc(), dir.resolve("backup"));
      assertThat(manifest.streams()).extracting(s -> s.name()).contains(Topology.ORDERS, Topology.AUDIT);
      for (String secrets : List.of(Topology.PAYMENT_TOKENS, Topology.CONTACTS)) {
        backup.denied(() -> {
          String inbox = backup.nc().createInbox();
          backup.nc().subscribe(inbox);
          var answer = backup.nc().request("$JS.API.STREAM.SNAPSHOT." + secrets,
              ("{\"deliver_subject\":\"" + inbox + "\"}").getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
          if (answer == null) throw new IllegalStateException("no snapshot of " + secrets);
        });
      }
      backup.denied(() -> backup.publish(Subjects.ORDERS_PLACED + ".o-backup-forged"));
      backup.denied(() -> backup.jsm().getMessage(Topology.ORDERS, orders));
      backup.denied(() -> backup.jsm().addOrUpdateConsumer(Topology.ORDERS, io.nats.client.api.ConsumerConfiguration.builder().build()));
      backup.denied(() -> backup.jsm().purgeStream(Topology.ORDERS));
      backup.denied(() -> backup.jsm().deleteStream(Topology.INVENTORY));
      // A scheduled job's identity: it cannot move a live consumer or restore anything.
      backup.denied(() -> answered(backup.nc().request("$JS.API.CONSUMER.RESET." + Topology.ORDERS + ".audit-orders",
          "{\"seq\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2))));
      backup.denied(() -> answered(backup.nc().request("$JS.API.STREAM.RESTORE." + Topology.ORDERS, "{}".getBytes(StandardCharsets.UTF_8),
          Duration.ofSeconds(2))));
    }
    try (As restore = as(NatsIdentities.RESTORE)) {
      restore.denied(() -> {
        String inbox = restore.nc().createInbox();
        restore.nc().subscribe(inbox);
        answered(restore.nc().request("$JS.API.STREAM.SNAPSHOT." + Topology.ORDERS, ("{\"deliver_subject\":\"" + inbox + "\"}")
            .getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2)));
      });
      restore.denied(() -> restore.publish(Subjects.ORDERS_PLACED + ".o-restore-forged"));
      restore.denied(() -> restore.jsm().getMessage(Topology.ORDERS, orders));
      restore.denied(() -> restore.jsm().purgeStream(Topology.ORDERS));
    }
    assertThat(lastSequence(Topology.ORDERS)).isEqualTo(orders);
    assertThat(harness.jetStreamManagement().getStreamNames()).contains(Topology.INVENTORY);
  }

  @Test
  void opsReadsTheEventStreamsButNotTheHandOffsOfSecretsAndPublishesNoEvent() throws Exception {
    long seq = harness.jetStream().publish(Subjects.ORDERS_PLACED + ".o-ops", "{}".getBytes(StandardCharsets.UTF_8)).getSeqno();
    long token = harness.jetStream().publish(Subjects.HANDOFF_PAYMENT_TOKEN + ".o-ops.h", "tok".getBytes(StandardCharsets.UTF_8)).getSeqno();
    try (As ops = as(NatsIdentities.OPS)) {
      assertThat(ops.jsm().getMessage(Topology.ORDERS, seq).getSubject()).isEqualTo(Subjects.ORDERS_PLACED + ".o-ops");
      ops.denied(() -> ops.jsm().getMessage(Topology.PAYMENT_TOKENS, token));
      ops.denied(() -> ops.publish(Subjects.ORDERS_PLACED + ".o-ops-forged"));
    }
  }
}
