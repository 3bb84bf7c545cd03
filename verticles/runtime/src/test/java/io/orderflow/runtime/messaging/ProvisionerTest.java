package io.orderflow.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Provisioner.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provisioning a server that already holds an earlier version's topology, on a real nats-server. */
class ProvisionerTest {
  static final Settings SETTINGS = Settings.of(Map.of());

  @Test
  void provisioningTwiceSucceedsAndLeavesEveryStreamConsumerAndBucketInPlace() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      Provisioner.Changes second;
      try (var audit = new ReleaseTopology.ApiAudit(nc)) {
        second = Provisioner.from(SETTINGS).provision(nc);
        assertThat(audit.writes(nc)).as("create or update requests of the second run").isEmpty();
      }
      assertThat(second.none()).isTrue();
      var jsm = nc.jetStreamManagement();
      assertThat(jsm.getStreamNames()).containsAll(Topology.STREAMS.stream().map(Topology.StreamSpec::name).toList());
      for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
        assertThat(jsm.getConsumerInfo(c.stream(), c.durable()).getConsumerConfiguration().getFilterSubjects())
            .as(c.durable()).containsExactlyElementsOf(c.filters());
      }
      assertThat(nc.keyValueManagement().getBucketNames())
          .containsAll(Topology.BUCKETS.stream().map(Topology.BucketSpec::name).toList());
      assertThat(nc.objectStoreManagement().getBucketNames())
          .containsAll(Topology.OBJECT_STORES.stream().map(Topology.ObjectStoreSpec::name).toList());
    }
  }

  @Test
  void thePreviousReleasesTopologyIsAlreadyUpToDate() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      ReleaseTopology.create(nc, ReleaseTopology.PREVIOUS);

      Provisioner.Changes changes;
      try (var audit = new ReleaseTopology.ApiAudit(nc)) {
        changes = Provisioner.from(SETTINGS).provision(nc);
        assertThat(audit.writes(nc)).isEmpty();
      }
      assertThat(changes.all()).allSatisfy(c -> assertThat(c.outcome()).as(c.what()).isEqualTo(Outcome.UNCHANGED));
    }
  }

  @Test
  void anOlderReleasesTopologyGetsWhatItLacksAndASecondRunChangesNothing() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      ReleaseTopology.create(nc, ReleaseTopology.OLDER);

      Provisioner.Changes first = Provisioner.from(SETTINGS).provision(nc);
      assertThat(first.with(Outcome.CREATED)).extracting(Provisioner.Change::what).containsExactlyInAnyOrder(
          "consumer audit-system on SYSTEM", "consumer audit-system-replay on REPLAY", "object store AUDIT_SNAPSHOTS");
      assertThat(first.with(Outcome.UPDATED)).isEmpty();
      assertThat(first.with(Outcome.LEFT_IN_PLACE)).isEmpty();

      try (var audit = new ReleaseTopology.ApiAudit(nc)) {
        assertThat(Provisioner.from(SETTINGS).provision(nc).none()).isTrue();
        assertThat(audit.writes(nc)).isEmpty();
      }
    }
  }

  @Test
  void changedConsumerSettingsAreAppliedInPlaceAndTheConsumerKeepsItsPositionAndItsUnacknowledgedMessages() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      for (int i = 0; i < 20; i++) publish(nc, Subjects.PAYMENTS + ".o-" + i);
      var consumer = nc.getStreamContext(Topology.PAYMENTS).getConsumerContext(Topology.ORDERS_PAYMENTS.durable());
      try (var fetched = consumer.fetchMessages(5)) {
        for (int i = 0; i < 5; i++) {
          var m = fetched.nextMessage();
          if (i < 3) m.ackSync(Duration.ofSeconds(5));
        }
      }

      var changes = Provisioner.from(Settings.of(Map.of("ORDERFLOW_CONSUMER_ACK_WAIT", "10s", "ORDERFLOW_CONSUMER_MAX_ACK_PENDING", "200"))).provision(nc);

      assertThat(changes.with(Outcome.UPDATED)).extracting(Provisioner.Change::what).contains("consumer orders-payments on PAYMENTS");
      assertThat(changes.with(Outcome.UPDATED)).hasSize(Topology.CONSUMERS.size())
          .allSatisfy(c -> assertThat(c.detail()).contains("ack wait: PT30S -> PT10S").contains("max ack pending: 1000 -> 200"));
      var info = nc.jetStreamManagement().getConsumerInfo(Topology.PAYMENTS, Topology.ORDERS_PAYMENTS.durable());
      assertThat(info.getConsumerConfiguration().getAckWait()).isEqualTo(Duration.ofSeconds(10));
      assertThat(info.getAckFloor().getStreamSequence()).isEqualTo(3);
      assertThat(info.getNumAckPending()).isEqualTo(2);
      assertThat(info.getNumPending()).isEqualTo(15);
    }
  }

  @Test
  void aConsumerJetStreamCannotChangeInPlaceIsNamedWithItsWorkAndKept() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      var jsm = nc.jetStreamManagement();
      // As a release that delivered only new messages would have made it.
      jsm.deleteConsumer(Topology.PAYMENTS, Topology.ORDERS_PAYMENTS.durable());
      jsm.addOrUpdateConsumer(Topology.PAYMENTS, ConsumerConfiguration.builder().durable(Topology.ORDERS_PAYMENTS.durable())
          .filterSubjects(Topology.ORDERS_PAYMENTS.filters()).ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.New).build());
      for (int i = 0; i < 3; i++) publish(nc, Subjects.PAYMENTS + ".o-" + i);

      assertThatThrownBy(() -> Provisioner.from(SETTINGS).provision(nc))
          .isInstanceOf(Provisioner.ProvisioningException.class)
          .hasMessageStartingWith("cannot update consumer orders-payments on PAYMENTS: ")
          .hasMessageContaining("deliver policy: new -> all")
          .hasMessageContaining("3 messages pending")
          .hasMessageContaining("never deletes a consumer");
      var kept = jsm.getConsumerInfo(Topology.PAYMENTS, Topology.ORDERS_PAYMENTS.durable());
      assertThat(kept.getConsumerConfiguration().getDeliverPolicy()).isEqualTo(DeliverPolicy.New);
      assertThat(kept.getNumPending()).isEqualTo(3);
    }
  }

  @Test
  void narrowingTheFiltersOfAConsumerWithWorkIsRefusedAndDoneOnceItHasNone() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      var jsm = nc.jetStreamManagement();
      // An earlier shape of payments-ended: every order event, where this version takes only the ended ones.
      jsm.deleteConsumer(Topology.ORDERS, Topology.PAYMENTS_ENDED.durable());
      jsm.addOrUpdateConsumer(Topology.ORDERS, ConsumerConfiguration.builder().durable(Topology.PAYMENTS_ENDED.durable())
          .filterSubject("orderflow.orders.>").ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All)
          .ackWait(Duration.ofSeconds(30)).maxDeliver(-1).maxAckPending(1000).build());
      publish(nc, Subjects.ORDERS_PLACED + ".o-1");

      assertThatThrownBy(() -> Provisioner.from(SETTINGS).provision(nc))
          .isInstanceOf(Provisioner.ProvisioningException.class)
          .hasMessageStartingWith("cannot narrow the filters of consumer payments-ended on ORDERS")
          .hasMessageContaining("1 messages pending")
          .hasMessageContaining("[orderflow.orders.>] would never be delivered");

      var consumer = nc.getStreamContext(Topology.ORDERS).getConsumerContext(Topology.PAYMENTS_ENDED.durable());
      consumer.next(Duration.ofSeconds(5)).ackSync(Duration.ofSeconds(5));
      var changes = Provisioner.from(SETTINGS).provision(nc);
      assertThat(changes.with(Outcome.UPDATED)).singleElement().satisfies(c -> {
        assertThat(c.what()).isEqualTo("consumer payments-ended on ORDERS");
        assertThat(c.detail()).isEqualTo("filters: [orderflow.orders.>] -> [orderflow.orders.ended.>]");
      });
    }
  }

  @Test
  void aConsumerThisVersionDoesNotDefineIsLeftInPlaceAndReported() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      nc.jetStreamManagement().addOrUpdateConsumer(Topology.ORDERS, ConsumerConfiguration.builder().durable("retired-reader")
          .filterSubject("orderflow.orders.>").ackPolicy(AckPolicy.Explicit).build());
      publish(nc, Subjects.ORDERS_PLACED + ".o-1");

      var changes = Provisioner.from(SETTINGS).provision(nc);

      assertThat(changes.with(Outcome.LEFT_IN_PLACE)).singleElement().satisfies(c -> {
        assertThat(c.what()).isEqualTo("consumer retired-reader on ORDERS");
        assertThat(c.detail()).contains("1 messages pending");
      });
      assertThat(nc.jetStreamManagement().getConsumerNames(Topology.ORDERS)).contains("retired-reader");
    }
  }

  @Test
  void aFilterCoversWhatItsWildcardsMatch() {
    assertThat(Provisioner.FilterCoverage.covers("orderflow.orders.>", "orderflow.orders.ended.>")).isTrue();
    assertThat(Provisioner.FilterCoverage.covers("orderflow.*.ended.>", "orderflow.orders.ended.o-1")).isTrue();
    assertThat(Provisioner.FilterCoverage.covers("orderflow.orders.ended.>", "orderflow.orders.>")).isFalse();
    assertThat(Provisioner.FilterCoverage.covers("orderflow.orders.*", "orderflow.orders.ended.o-1")).isFalse();
    assertThat(Provisioner.FilterCoverage.covers("orderflow.orders.ended", "orderflow.orders.*")).isFalse();
    assertThat(Provisioner.FilterCoverage.dropped(List.of("a.>", "b.c"), List.of("b.*", "a.x.>"))).containsExactly("a.>");
    assertThat(Provisioner.FilterCoverage.dropped(List.of("a.b"), null)).isEmpty();
  }

  @Test
  void anOrdersStreamThatAnEarlierBuildGavePerMessageTtlStillProvisionsAndKeepsIt() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      // As the atomic-batch builds made it: the hand-offs in ORDERS, TTL (which the server cannot turn off) and atomic publish on.
      nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(Topology.ORDERS)
          .subjects("orderflow.orders.>", "orderflow.handoff.>").storageType(StorageType.File).allowMessageTtl(true).allowAtomicPublish(true).build());

      Provisioner.from(SETTINGS).provision(nc);

      var orders = nc.jetStreamManagement().getStreamInfo(Topology.ORDERS).getConfiguration();
      assertThat(orders.getSubjects()).containsExactly("orderflow.orders.>");
      assertThat(orders.isAllowMessageTtl()).isTrue();
      assertThat(nc.jetStreamManagement().getStreamInfo(Topology.PAYMENT_TOKENS).getConfiguration().getSubjects())
          .allSatisfy(subject -> assertThat(subject).startsWith("orderflow.handoff."));
    }
  }

  @Test
  void aStreamThatCannotBeBroughtToThisVersionsSettingsIsNamedInTheError() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      // The storage type of a stream cannot change: a memory-backed ORDERS cannot become file-backed.
      nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(Topology.ORDERS)
          .subjects("orderflow.orders.>").storageType(StorageType.Memory).build());

      assertThatThrownBy(() -> Provisioner.from(SETTINGS).provision(nc))
          .isInstanceOf(Provisioner.ProvisioningException.class)
          .hasMessageStartingWith("cannot update stream ORDERS: ")
          .hasMessageContaining("the existing stream's settings conflict with this version's")
          .hasMessageContaining("storage: memory -> file");
    }
  }

  private static void publish(Connection nc, String subject) throws Exception {
    nc.jetStream().publish(subject, "{}".getBytes(StandardCharsets.UTF_8));
  }
}
