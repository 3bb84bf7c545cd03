package io.orderflow.runtime;

import io.orderflow.runtime.deadletter.DeadLetters;
import io.orderflow.runtime.messaging.ConsumerRunner;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.client.PublishOptions;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.runtime.telemetry.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsumerRunnerTest {
  static NatsServer nats;
  static Connection nc;
  static Vertx vertx;
  static JetStreamBridge bridge;
  static final Settings SETTINGS = Settings.of(Map.of("ORDERFLOW_CONSUMER_MAX_ATTEMPTS", "3", "ORDERFLOW_CONSUMER_BACKOFF", "10ms"));

  @BeforeAll
  static void up() throws Exception {
    nats = NatsServer.start();
    nc = nats.connect();
    Provisioner.from(SETTINGS).provision(nc);
    vertx = Vertx.vertx();
    bridge = new JetStreamBridge(vertx, nc);
  }

  @AfterAll
  static void down() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    nc.close();
    nats.close();
  }

  @Test
  void provisioningIsIdempotent() throws Exception {
    Provisioner.from(SETTINGS).provision(nc);
    assertThat(nc.jetStreamManagement().getStreamNames()).contains("ORDERS", "AUDIT", "DLQ", "KV_CATALOG");
    assertThat(nc.jetStreamManagement().getStreamInfo("AUDIT").getConfiguration().getDenyPurge()).isTrue();
  }

  @Test
  void handledEventsAreAckedAndPoisonGoesToTheDeadLetterQueue() throws Exception {
    var seen = new ConcurrentLinkedQueue<String>();
    var handledIn = new ConcurrentLinkedQueue<String>();
    var failing = new AtomicInteger();
    String good = Ids.newOrderId();
    String bad = Ids.newOrderId();
    EventHandler handler = d -> {
      String order = d.event().subject();
      seen.add(order);
      if (order.equals(good)) handledIn.add(d.event().traceparent());
      if (order.equals(bad)) {
        failing.incrementAndGet();
        return Future.failedFuture(new IllegalStateException("boom"));
      }
      return Future.succeededFuture();
    };
    long dlqBefore = nc.jetStreamManagement().getStreamInfo("DLQ").getStreamState().getMsgCount();
    vertx.deployVerticle(new ConsumerRunner(bridge, Topology.NOTIFICATIONS_ENDED, ConsumerRunner.Options.from(SETTINGS), handler))
        .await(10, TimeUnit.SECONDS);

    bridge.publish(Envelope.of(new Event.OrderConfirmed(good, "c-1", 100, "EUR"), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    bridge.publish(Envelope.of(new Event.OrderConfirmed(bad, "c-1", 100, "EUR"), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    bridge.publishRaw("orderflow.orders.ended.garbage", new Headers(), "{nope".getBytes(StandardCharsets.UTF_8),
        PublishOptions.builder().build()).await(5, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(failing.get()).isEqualTo(3);
      var info = nc.jetStreamManagement().getConsumerInfo("ORDERS", "notifications-ended");
      assertThat(info.getNumAckPending()).isZero();
      assertThat(info.getNumPending()).isZero();
      assertThat(nc.jetStreamManagement().getStreamInfo("DLQ").getStreamState().getMsgCount()).isEqualTo(dlqBefore + 2);
    });
    assertThat(seen).containsOnlyOnce(good);
    var dead = nc.jetStreamManagement().getLastMessage("DLQ", "orderflow.dlq.notifications-ended");
    assertThat(dead.getHeaders().getFirst(DeadLetters.CONSUMER)).isEqualTo("notifications-ended");
    assertThat(List.of(dead.getHeaders().getFirst(DeadLetters.ERROR))).isNotEmpty();

    // Counted per outcome: the bad event failed three times (the last one dead-lettered), the garbage was dead-lettered at once.
    // (recorded just after the ack: wait for them as for the broker's figures)
    var meters = bridge.telemetry().meters();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(meters.get("consumer.handling").tag("consumer", "notifications-ended").timer().count()).as("deliveries: 1 good, 3 bad, 1 garbage").isEqualTo(5);
      assertThat(meters.get("consumer.messages.processed").tag("consumer", "notifications-ended").counter().count()).isEqualTo(1);
      assertThat(meters.get("consumer.messages.failed").tag("consumer", "notifications-ended").counter().count()).isEqualTo(4);
      assertThat(meters.get("consumer.messages.dead.lettered").tag("consumer", "notifications-ended").counter().count()).isEqualTo(2);
      assertThat(meters.get("consumer.messages.redelivered").tag("consumer", "notifications-ended").counter().count()).isEqualTo(2);
    });

    // The handler saw the event in its own span, a child in the publisher's trace.
    String published = new String(nc.jetStreamManagement().getLastMessage("ORDERS", "orderflow.orders.ended." + good).getData(),
        StandardCharsets.UTF_8);
    String publishedTraceparent = new io.vertx.core.json.JsonObject(published).getString("traceparent");
    assertThat(handledIn).singleElement().satisfies(tp -> {
      assertThat(Tracing.traceId(tp)).isEqualTo(Tracing.traceId(publishedTraceparent)).isNotNull();
      assertThat(Tracing.spanId(tp)).isNotEqualTo(Tracing.spanId(publishedTraceparent));
    });
  }
}
