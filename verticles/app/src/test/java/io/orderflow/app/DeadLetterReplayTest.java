package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.ConsumeOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replaying a dead letter long after its order ended keeps I1–I3: inventory dead-lettered an OrderPlaced,
 * orders ended the order CANCELLED / PROCESSING_FAILED, and an operator replays the dead letter once all is
 * quiet. The replayed OrderPlaced must not reserve stock for an order that will never release it.
 */
class DeadLetterReplayTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void aDeadLetteredOrderPlacedReplayedAfterItsOrderEndedReservesNothing() throws Exception {
    try (Pipeline p = new Pipeline()) {
      // A short pin timeout: the idle inventory instance stopped below never learned it was pinned.
      Provisioner.from(Settings.of(Map.of("ORDERFLOW_CONSUMER_PIN_TIMEOUT", "2s"))).provision(p.nc);
      // Inventory is not running yet: the OrderPlaced waits in inventory's consumer.
      var orders = p.host("orders");
      int api = orders.publicPort();
      int mgmt = orders.managementPort();
      var seeder = p.host("inventory");
      p.call(HttpMethod.PUT, seeder.publicPort(), "/inventory/SKU-LATE", new JsonObject().put("priceCents", 900).put("available", 10), Map.of());
      p.stop(seeder);
      var placed = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-late", "tok_visa", "SKU-LATE", 3), Map.of());
      assertThat(placed.statusCode()).isEqualTo(202);
      String id = placed.bodyAsJsonObject().getString("orderId");

      // Inventory's consumer gives the OrderPlaced up, exactly as the runner does after its attempts:
      // the message goes to the DLQ with the dead-letter headers, and the original is terminated.
      deadLetterOrderPlaced(p, id);
      await().atMost(PATIENCE).until(() -> "CANCELLED".equals(order(p, api, id).getString("status")));
      assertThat(order(p, api, id).getString("reason")).isEqualTo("PROCESSING_FAILED");

      // Inventory comes back and settles the cancellation of an order it never reserved; all goes quiet.
      int inventory = p.host("inventory").publicPort();
      await().atMost(PATIENCE).until(() -> settled(p, Topology.INVENTORY_ORDERS));
      assertThat(stock(p, inventory)).containsEntry("available", 10).containsEntry("reserved", 0);

      // Long after, an operator replays every dead letter of that order.
      JsonObject letter = p.get(mgmt, "/admin/dlq?limit=100").bodyAsJsonArray().stream().map(JsonObject.class::cast)
          .filter(l -> (Subjects.ORDERS_PLACED + "." + id).equals(l.getString("subject"))).findFirst().orElseThrow();
      var replayed = p.call(HttpMethod.POST, mgmt, "/admin/dlq/" + letter.getLong("sequence") + "/replay", null, Map.of());
      assertThat(replayed.statusCode()).isEqualTo(202);
      var replay = Topology.replayOf(Topology.INVENTORY_ORDERS);
      await().atMost(PATIENCE).until(() -> delivered(p, replay) >= 1 && settled(p, replay) && settled(p, Topology.INVENTORY_ORDERS));

      assertThat(stock(p, inventory)).as("nothing reserved for the ended order")
          .containsEntry("available", 10).containsEntry("reserved", 0).containsEntry("sold", 0);
      assertThat(order(p, api, id).getString("status")).isEqualTo("CANCELLED");
      long endings = p.get(api, "/orders/" + id + "/events").bodyAsJsonArray().stream().map(JsonObject.class::cast)
          .filter(e -> e.getString("type").startsWith("orderflow.order.") && !e.getString("type").equals("orderflow.order.placed.v1")).count();
      assertThat(endings).as("one terminal event").isEqualTo(1);
    }
  }

  /** Takes the order's OrderPlaced off inventory's consumer and dead-letters it as the consumer runner would. */
  private static void deadLetterOrderPlaced(Pipeline p, String orderId) throws Exception {
    var spec = Topology.INVENTORY_ORDERS;
    var done = new java.util.concurrent.CompletableFuture<Void>();
    var consumer = p.nc.getConsumerContext(spec.stream(), spec.durable()).consume(
        ConsumeOptions.builder().batchSize(10).group(spec.pinnedGroup()).build(), m -> {
          if (done.isDone() || !m.getSubject().equals(Subjects.ORDERS_PLACED + "." + orderId)) {
            m.nak();
            return;
          }
          try {
            Headers h = new Headers().put(DeadLetters.CONSUMER, spec.durable()).put(DeadLetters.ERROR, "IllegalStateException: boom")
                .put(DeadLetters.DELIVERIES, "10").put(DeadLetters.TIME, Instant.now().toString()).put(DeadLetters.STREAM, spec.stream())
                .put(DeadLetters.STREAM_SEQ, String.valueOf(m.metaData().streamSequence())).put(DeadLetters.SUBJECT, m.getSubject());
            p.nc.jetStream().publish(NatsMessage.builder().subject(Topology.deadLetterSubject(spec)).headers(h).data(m.getData()).build());
            m.term();
            done.complete(null);
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        });
    try {
      done.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      consumer.stop();
    }
    // Give the pin up, as a stopping runner does, so inventory is pinned at once when it starts.
    p.nc.jetStreamManagement().unpinConsumer(spec.stream(), spec.durable(), spec.pinnedGroup());
  }

  private static boolean settled(Pipeline p, Topology.ConsumerSpec spec) throws Exception {
    var info = p.nc.jetStreamManagement().getConsumerInfo(spec.stream(), spec.durable());
    return info.getNumPending() == 0 && info.getNumAckPending() == 0;
  }

  private static long delivered(Pipeline p, Topology.ConsumerSpec spec) throws Exception {
    return p.nc.jetStreamManagement().getConsumerInfo(spec.stream(), spec.durable()).getDelivered().getConsumerSequence();
  }

  private static JsonObject order(Pipeline p, int api, String id) {
    return p.get(api, "/orders/" + id).bodyAsJsonObject();
  }

  private static Map<String, Object> stock(Pipeline p, int api) {
    return p.get(api, "/inventory/SKU-LATE").bodyAsJsonObject().getMap();
  }
}
