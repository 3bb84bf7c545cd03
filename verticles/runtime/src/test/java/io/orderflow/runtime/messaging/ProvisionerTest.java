package io.orderflow.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provisioning a server that already holds an earlier version's topology, on a real nats-server. */
class ProvisionerTest {
  static final Settings SETTINGS = Settings.of(Map.of());

  @Test
  void provisioningTwiceSucceedsAndLeavesEveryStreamConsumerAndBucketInPlace() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      Provisioner.from(SETTINGS).provision(nc);
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
          .hasMessageContaining("the existing stream's settings conflict with this version's");
    }
  }
}
