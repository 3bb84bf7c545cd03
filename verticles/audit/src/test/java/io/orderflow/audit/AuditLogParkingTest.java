package io.orderflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderflow.runtime.ProvisionedBroker;
import io.orderflow.runtime.messaging.EventHandler;
import io.vertx.core.Future;
import io.orderflow.runtime.messaging.Topology;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** An effect that arrives before its cause waits in memory for it, then follows it into the chain. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditLogParkingTest {
  ProvisionedBroker broker;
  AuditLog log;

  @BeforeAll
  void start() throws Exception {
    broker = ProvisionedBroker.start();
    log = new AuditLog(broker.bridge, "test", 10_000, 5, 300);
    broker.vertx.deployVerticle(log).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    broker.close();
  }

  @Test
  void anEffectBeforeItsCauseIsChainedAfterItWithoutBeingPutBack() throws Exception {
    Future<Void> grandchild = log.append("e-3", "order-park", "e-2", "{\"n\":3}", 1);
    Future<Void> effect = log.append("e-2", "order-park", "e-1", "{\"n\":2}", 1);
    // Both wait in memory: neither is completed (a put-back would fail them with RetryLater).
    await().atMost(Duration.ofSeconds(5)).until(() -> log.parked().toCompletionStage().toCompletableFuture().get() == 2);
    assertThat(effect.isComplete()).isFalse();
    assertThat(grandchild.isComplete()).isFalse();

    log.append("e-1", "order-park", null, "{\"n\":1}", 1).await(5, TimeUnit.SECONDS);
    effect.await(5, TimeUnit.SECONDS);
    grandchild.await(5, TimeUnit.SECONDS);

    assertThat(chainedIds("order-park")).as("each after its cause, whatever order they arrived in").containsExactly("e-1", "e-2", "e-3");
  }

  /** The event ids of one subject's entries, in the order the AUDIT stream's blocks chain them. */
  private List<String> chainedIds(String subject) throws Exception {
    var jsm = broker.nc.jetStreamManagement();
    long last = jsm.getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
    List<String> ids = new java.util.ArrayList<>();
    for (long seq = 1; seq <= last; seq++) {
      for (var entry : BlockCodec.decode(jsm.getMessage(Topology.AUDIT, seq).getData()).entries()) {
        if (entry.subject().equals(subject)) ids.add(entry.eventId());
      }
    }
    return ids;
  }

  @Test
  void anEffectWhoseCauseNeverComesIsPutBackAfterTheCauseWait() {
    Future<Void> orphan = log.append("o-2", "order-orphan", "o-1", "{}", 1);
    assertThatThrownBy(() -> orphan.await(5, TimeUnit.SECONDS)).isInstanceOf(EventHandler.RetryLater.class)
        .hasMessageContaining("not audited yet");
  }
}
