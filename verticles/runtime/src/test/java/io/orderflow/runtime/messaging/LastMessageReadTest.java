package io.orderflow.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.orderflow.runtime.NatsServer;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link JetStreamBridge#lastMessage} reads a single-replica stream that allows direct gets directly, any other
 * through its leader, and both ways answer alike: the newest message of the subject right after its publish was
 * acknowledged, nothing for an empty subject.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LastMessageReadTest {
  NatsServer nats;
  Connection nc;
  Vertx vertx;
  JetStreamBridge bridge;

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    nc = nats.connect();
    var jsm = nc.jetStreamManagement();
    jsm.addStream(StreamConfiguration.builder().name("DIRECT").subjects("direct.>").storageType(StorageType.File).allowDirect(true).build());
    jsm.addStream(StreamConfiguration.builder().name("LEADER").subjects("leader.>").storageType(StorageType.File).allowDirect(false).build());
    vertx = Vertx.vertx();
    bridge = new JetStreamBridge(vertx, nc);
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    if (nc != null) nc.close();
    if (nats != null) nats.close();
  }

  @Test
  void aSingleReplicaStreamAllowingDirectGetsIsReadDirectlyAndAnyOtherThroughItsLeader() {
    assertThat(awaitPath("DIRECT")).isTrue();
    assertThat(awaitPath("LEADER")).isFalse();
  }

  @Test
  void bothWaysSeeTheNewestMessageAsSoonAsItsPublishIsAcknowledgedAndNothingOnAnEmptySubject() throws Exception {
    awaitPath("DIRECT");
    awaitPath("LEADER");
    for (String stream : new String[] {"DIRECT", "LEADER"}) {
      String subject = stream.toLowerCase() + ".order.o-1";
      assertThat(read(stream, subject)).as(stream).isEmpty();
      for (int i = 1; i <= 50; i++) {
        long seq = nc.jetStream().publish(subject, ("v" + i).getBytes(StandardCharsets.UTF_8)).getSeqno();
        MessageInfo mi = read(stream, subject).orElseThrow();
        assertThat(mi.getSeq()).as(stream).isEqualTo(seq);
        assertThat(new String(mi.getData(), StandardCharsets.UTF_8)).as(stream).isEqualTo("v" + i);
        assertThat(mi.getSubject()).as(stream).isEqualTo(subject);
      }
    }
  }

  @Test
  void aStreamThatDoesNotExistIsAFailureNotAnEmptySubject() {
    assertThatThrownBy(() -> read("MISSING", "missing.x")).isNotNull();
  }

  private Optional<MessageInfo> read(String stream, String subject) throws Exception {
    return bridge.lastMessage(stream, subject).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The path the bridge settled on for the stream, once it has looked at the stream's configuration. */
  private boolean awaitPath(String stream) {
    // The look at the configuration runs on the worker pool: wait for it to be known.
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          bridge.readPaths().direct(stream);
          return bridge.readPaths().settled(stream);
        }, java.util.Objects::nonNull);
  }
}
