package io.orderflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The three-node fixture itself: an R3 stream gets a leader among n1..n3, survives its leader's restart. */
class NatsClusterTest {
  static NatsCluster cluster;

  @BeforeAll
  static void up() {
    cluster = NatsCluster.start(3);
  }

  @AfterAll
  static void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void anR3StreamHasALeaderAmongTheNodesAndOutlivesItsRestart() throws Exception {
    assertThat(cluster.urls().split(",")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      try (Connection nc = cluster.connect(i)) {
        assertThat(nc.getServerInfo().getServerName()).isEqualTo("n" + (i + 1)).isEqualTo(cluster.name(i));
      }
    }

    try (Connection nc = cluster.connect()) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      jsm.addStream(StreamConfiguration.builder().name("FIXTURE").subjects("fixture.>")
          .storageType(StorageType.File).replicas(3).build());
      JetStream js = nc.jetStream();
      // A new R3 stream answers publishes once its replicas elected a leader and its interest reached this
      // node (before that: 503 no responders). Retried with a message id, so a retry cannot store it twice.
      var first = org.awaitility.Awaitility.await("the new stream's first write").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> js.publish("fixture.a", "one".getBytes(StandardCharsets.UTF_8),
              io.nats.client.PublishOptions.builder().messageId("fixture-a").build()), java.util.Objects::nonNull);
      assertThat(first.getSeqno()).isEqualTo(1);

      String leader = cluster.streamLeader(nc, "FIXTURE");
      assertThat(leader).isIn("n1", "n2", "n3");
      assertThat(jsm.getStreamInfo("FIXTURE").getClusterInfo().getReplicas()).hasSize(2);
      int index = cluster.indexOf(leader);
      assertThat(cluster.name(index)).isEqualTo(leader);

      cluster.stop(index);
      assertThat(cluster.running(index)).isFalse();
      org.awaitility.Awaitility.await("a new leader").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> !cluster.streamLeader(nc, "FIXTURE").equals(leader));
      var second = org.awaitility.Awaitility.await("a write to the new leader").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> js.publish("fixture.b", "two".getBytes(StandardCharsets.UTF_8),
              io.nats.client.PublishOptions.builder().messageId("fixture-b").build()), java.util.Objects::nonNull);
      assertThat(second.getSeqno()).isEqualTo(2);

      cluster.startNode(index);
      try (Connection back = cluster.connect(index)) {
        assertThat(back.getServerInfo().getServerName()).isEqualTo(leader);
        assertThat(back.jetStreamManagement().getStreamInfo("FIXTURE").getStreamState().getMsgCount()).isEqualTo(2);
      }
    }
  }
}
