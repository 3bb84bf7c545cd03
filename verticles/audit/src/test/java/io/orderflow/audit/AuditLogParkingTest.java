package io.orderflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.runtime.ProvisionedBroker;
import io.orderflow.runtime.messaging.EventHandler;
import io.vertx.core.Future;
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
    Future<Void> effect = log.append("e-2", "order-park", "e-1", "{\"n\":2}", 1);
    Future<Void> grandchild = log.append("e-3", "order-park", "e-2", "{\"n\":3}", 1);
    assertThat(effect.isComplete()).as("waits for its cause").isFalse();

    log.append("e-1", "order-park", null, "{\"n\":1}", 1).await(5, TimeUnit.SECONDS);
    effect.await(5, TimeUnit.SECONDS);
    grandchild.await(5, TimeUnit.SECONDS);

    List<ChainState.Position> chain = log.positions("order-park").await(5, TimeUnit.SECONDS);
    assertThat(chain).hasSize(3);
    assertThat(chain).isSortedAccordingTo(java.util.Comparator.comparingLong(ChainState.Position::streamSequence)
        .thenComparingInt(ChainState.Position::offset));
  }

  @Test
  void anEffectWhoseCauseNeverComesIsPutBackAfterTheCauseWait() {
    Future<Void> orphan = log.append("o-2", "order-orphan", "o-1", "{}", 1);
    assertThatThrownBy(() -> orphan.await(5, TimeUnit.SECONDS)).isInstanceOf(EventHandler.RetryLater.class)
        .hasMessageContaining("not audited yet");
  }
}
