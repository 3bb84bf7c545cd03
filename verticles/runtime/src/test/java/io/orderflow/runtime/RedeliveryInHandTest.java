package io.orderflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.runtime.messaging.ConsumerRunner;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A message whose AckWait runs out while its handler still works comes back to the same instance; it must not
 * reach the handler while the first delivery is in hand (two runs at once, each before the other recorded its
 * effect, is how a starved notifications instance mailed a customer twice).
 */
class RedeliveryInHandTest {
  static final Settings SETTINGS = Settings.of(Map.of("ORDERFLOW_CONSUMER_ACK_WAIT", "1s", "ORDERFLOW_CONSUMER_BACKOFF", "10ms"));

  @Test
  void aRedeliveryOfAMessageStillInHandWaitsForItAndNeverRunsTheHandlerTwice() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      Provisioner.from(SETTINGS).provision(nc);
      Vertx vertx = Vertx.vertx();
      try {
        JetStreamBridge bridge = new JetStreamBridge(vertx, nc);
        String order = Ids.newOrderId();
        var runs = new AtomicInteger();
        var running = new AtomicInteger();
        var overlapped = new AtomicInteger();
        EventHandler handler = d -> {
          if (!d.event().subject().equals(order)) return Future.succeededFuture();
          runs.incrementAndGet();
          if (running.incrementAndGet() > 1) overlapped.incrementAndGet();
          if (runs.get() == 1) {
            // A starved process: its context does not run (no in-progress ack goes out) until AckWait ran out and
            // the server delivered the message again.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                nc.jetStreamManagement().getConsumerInfo("ORDERS", "notifications-ended").getDelivered().getConsumerSequence() >= 2);
          }
          Promise<Void> done = Promise.promise();
          vertx.setTimer(300, id -> {
            running.decrementAndGet();
            done.complete();
          });
          return done.future();
        };
        String runner = vertx.deployVerticle(ConsumerRunner.forEvents(bridge, Topology.NOTIFICATIONS_ENDED, ConsumerRunner.Options.from(SETTINGS),
            handler)).await(10, TimeUnit.SECONDS);
        bridge.publish(Envelope.of(new Event.OrderConfirmed(order, "c-1", 100, "EUR"), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          var info = nc.jetStreamManagement().getConsumerInfo("ORDERS", "notifications-ended");
          assertThat(info.getDelivered().getConsumerSequence()).as("AckWait ran out while the handler worked: delivered again")
              .isGreaterThanOrEqualTo(2);
          assertThat(info.getNumAckPending()).isZero();
          assertThat(info.getNumPending()).isZero();
          assertThat(running.get()).isZero();
        });
        assertThat(overlapped.get()).as("runs of the handler at once").isZero();
        assertThat(runs.get()).as("the first run's ack settled the message").isEqualTo(1);
        vertx.undeploy(runner).await(20, TimeUnit.SECONDS);
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
