package io.orderflow.runtime;

import io.orderflow.runtime.messaging.DeadLetters;
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

// The counting test runs first: a runner stopped by an earlier test still receives what its last pull
// request asked for, NAKs it, and those redeliveries would show in the counts.
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
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
  @org.junit.jupiter.api.Order(1)
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
    Map<String, Double> before = new java.util.HashMap<>();
    for (String m : List.of("consumer.handling", "consumer.messages.processed", "consumer.messages.failed",
        "consumer.messages.dead.lettered", "consumer.messages.redelivered")) before.put(m, count(m));
    String runner = vertx.deployVerticle(ConsumerRunner.forEvents(bridge, Topology.NOTIFICATIONS_ENDED, ConsumerRunner.Options.from(SETTINGS), handler))
        .await(10, TimeUnit.SECONDS);
    try {

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
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(count("consumer.handling") - before.get("consumer.handling")).as("deliveries: 1 good, 3 bad, 1 garbage").isEqualTo(5);
      assertThat(count("consumer.messages.processed") - before.get("consumer.messages.processed")).as("processed").isEqualTo(1);
      assertThat(count("consumer.messages.failed") - before.get("consumer.messages.failed")).as("failed").isEqualTo(4);
      assertThat(count("consumer.messages.dead.lettered") - before.get("consumer.messages.dead.lettered")).as("dead-lettered").isEqualTo(2);
      assertThat(count("consumer.messages.redelivered") - before.get("consumer.messages.redelivered")).as("redelivered").isEqualTo(2);
    });

    // The handler saw the event in its own span, a child in the publisher's trace.
    String published = new String(nc.jetStreamManagement().getLastMessage("ORDERS", "orderflow.orders.ended." + good).getData(),
        StandardCharsets.UTF_8);
    String publishedTraceparent = new io.vertx.core.json.JsonObject(published).getString("traceparent");
    assertThat(handledIn).singleElement().satisfies(tp -> {
      assertThat(Tracing.traceId(tp)).isEqualTo(Tracing.traceId(publishedTraceparent)).isNotNull();
      assertThat(Tracing.spanId(tp)).isNotEqualTo(Tracing.spanId(publishedTraceparent));
    });
    } finally {
      vertx.undeploy(runner).await(20, TimeUnit.SECONDS);
    }
  }

  /** A meter of notifications-ended so far (a timer's count, or a counter's). */
  private static double count(String meter) {
    var found = bridge.telemetry().meters().find(meter).tag("consumer", "notifications-ended");
    if (found.timer() != null) return found.timer().count();
    return found.counter() == null ? 0 : found.counter().count();
  }

  /**
   * "An outage never counts as an attempt" holds across restarts: the message waits (RetryLater) through
   * more deliveries than the attempts allowed, on a runner that is replaced halfway (a restart of every
   * instance), then fails for real fewer times than allowed, then succeeds. Nothing is dead-lettered.
   */
  @Test
  void anOutageThatSpansARestartIsNeverCountedAsAnAttempt() throws Exception {
    String order = Ids.newOrderId();
    var deliveries = new AtomicInteger();
    var handled = new AtomicInteger();
    EventHandler handler = d -> {
      if (!d.event().subject().equals(order)) return Future.succeededFuture();
      int n = deliveries.incrementAndGet();
      if (n <= 8) return Future.failedFuture(new EventHandler.RetryLater("gateway down", 10));
      if (n <= 10) return Future.failedFuture(new IllegalStateException("a real failure, attempt " + (n - 8)));
      handled.incrementAndGet();
      return Future.succeededFuture();
    };
    long dlqBefore = nc.jetStreamManagement().getStreamInfo("DLQ").getStreamState().getMsgCount();
    var options = ConsumerRunner.Options.from(SETTINGS);
    String first = vertx.deployVerticle(ConsumerRunner.forEvents(bridge, Topology.NOTIFICATIONS_ENDED, options, handler)).await(10, TimeUnit.SECONDS);
    bridge.publish(Envelope.of(new Event.OrderConfirmed(order, "c-1", 100, "EUR"), Instant.now(), null, null)).await(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.get() >= 4);
    vertx.undeploy(first).await(20, TimeUnit.SECONDS); // every instance restarts while the outage lasts
    String second = vertx.deployVerticle(ConsumerRunner.forEvents(bridge, Topology.NOTIFICATIONS_ENDED, options, handler)).await(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
      assertThat(handled.get()).isEqualTo(1);
      assertThat(nc.jetStreamManagement().getConsumerInfo("ORDERS", "notifications-ended").getNumAckPending()).isZero();
    });
    assertThat(deliveries.get()).as("8 waits and 2 failures before it went through").isEqualTo(11);
    assertThat(nc.jetStreamManagement().getStreamInfo("DLQ").getStreamState().getMsgCount()).isEqualTo(dlqBefore);
    vertx.undeploy(second).await(20, TimeUnit.SECONDS);
  }

  /**
   * A replay consumer's dead letter is identified by its own consumer and stream: a message at the same
   * sequence number in REPLAY as a primary dead letter in ORDERS (within the duplicate window) is still
   * stored, not dropped as a duplicate.
   */
  @Test
  void aReplayConsumersDeadLetterNeverCollidesWithAPrimaryOne() throws Exception {
    var jsm = nc.jetStreamManagement();
    long dlqBefore = jsm.getStreamInfo("DLQ").getStreamState().getMsgCount();
    var poison = "{not json".getBytes(StandardCharsets.UTF_8);
    long primarySeq = bridge.publishRaw("orderflow.orders.ended.poison", new Headers(), poison, PublishOptions.builder().build())
        .await(5, TimeUnit.SECONDS).getSeqno();
    // Fill REPLAY (on a subject no consumer reads) so the next replay message takes the very same sequence number.
    while (jsm.getStreamInfo("REPLAY").getStreamState().getLastSequence() < primarySeq - 1) {
      bridge.publishRaw("orderflow.replay.nobody.filler", new Headers(), "x".getBytes(StandardCharsets.UTF_8), PublishOptions.builder().build())
          .await(5, TimeUnit.SECONDS);
    }
    long replaySeq = bridge.publishRaw("orderflow.replay.notifications-ended.poison", new Headers(), poison, PublishOptions.builder().build())
        .await(5, TimeUnit.SECONDS).getSeqno();
    assertThat(replaySeq).isEqualTo(primarySeq);

    String runner = vertx.deployVerticle(ConsumerRunner.forEvents(bridge, Topology.NOTIFICATIONS_ENDED, ConsumerRunner.Options.from(SETTINGS),
        d -> Future.succeededFuture())).await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(jsm.getStreamInfo("DLQ").getStreamState().getMsgCount()).isEqualTo(dlqBefore + 2));
    var fromReplay = jsm.getLastMessage("DLQ", "orderflow.dlq.notifications-ended-replay");
    assertThat(fromReplay.getHeaders().getFirst(DeadLetters.STREAM)).isEqualTo("REPLAY");
    assertThat(fromReplay.getHeaders().getFirst(DeadLetters.STREAM_SEQ)).isEqualTo(String.valueOf(replaySeq));
    vertx.undeploy(runner).await(20, TimeUnit.SECONDS);
  }
}
