package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.PublishOptions;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.StockLine;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit log over its whole history: an event is never chained before its cause however late the cause
 * arrives, and an event delivered again from any point in history is never chained twice.
 */
class AuditHistoryTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** The effect waits through more deliveries than any patience would allow (30 before), then its cause arrives. */
  @Test
  void anEventIsNeverChainedBeforeItsCauseHoweverLateTheCauseIs() throws Exception {
    try (Pipeline p = new Pipeline().with("ORDERFLOW_AUDIT_CAUSE_WAIT", "20ms")) {
      int api = p.host("audit").publicPort();
      String order = Ids.newOrderId();
      Envelope placed = Envelope.of(new Event.OrderPlaced(order, "c-late", List.of(new OrderLine("SKU-A", 1, 500)), 500, "EUR", "h"),
          Instant.now(), null, null);
      Envelope reserved = Envelope.of(new Event.StockReserved(order, List.of(new StockLine("SKU-A", 1)), 500, "EUR"),
          Instant.now(), null, placed.id());

      publish(p, reserved);
      var audit = Topology.AUDIT_INVENTORY;
      await().atMost(PATIENCE).until(() -> !entries(p, api, order).isEmpty()
          || p.nc.jetStreamManagement().getConsumerInfo(audit.stream(), audit.durable()).getDelivered().getConsumerSequence() >= 40);
      assertThat(entries(p, api, order)).as("not chained while its cause is missing, after 40 deliveries").isEmpty();

      publish(p, placed);

      await().atMost(PATIENCE).until(() -> entries(p, api, order).size() == 2);
      assertThat(entries(p, api, order)).extracting(e -> e.getJsonObject("event").getString("id"))
          .containsExactly(placed.id(), reserved.id());
      assertThat(p.get(api, "/audit/verify").statusCode()).isEqualTo(200);
    }
  }

  /**
   * Audit's consumers start over from the first message of every stream (their position lost, as after the
   * consumer was recreated): every event is delivered again, and none is chained a second time.
   */
  @Test
  void eventsRedeliveredFromTheStartOfHistoryAreNeverChainedTwice() throws Exception {
    try (Pipeline p = new Pipeline()) {
      var first = p.host("audit");
      int api = first.publicPort();
      List<String> orders = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String order = Ids.newOrderId();
        orders.add(order);
        Envelope placed = Envelope.of(new Event.OrderPlaced(order, "c-h" + i, List.of(new OrderLine("SKU-H", 1, 700)), 700, "EUR", "h"),
            Instant.now(), null, null);
        publish(p, placed);
        publish(p, Envelope.of(new Event.StockReserved(order, List.of(new StockLine("SKU-H", 1)), 700, "EUR"), Instant.now(), null, placed.id()));
      }
      await().atMost(PATIENCE).until(() -> orders.stream().allMatch(o -> entries(p, api, o).size() == 2));
      long blocks = p.nc.jetStreamManagement().getStreamInfo(Topology.AUDIT).getStreamState().getMsgCount();

      p.stop(first);
      var jsm = p.nc.jetStreamManagement();
      for (var spec : List.of(Topology.AUDIT_ORDERS, Topology.AUDIT_INVENTORY)) jsm.deleteConsumer(spec.stream(), spec.durable());
      Provisioner.from(Settings.of(Map.of())).provision(p.nc); // recreated: they deliver from the first message again
      int again = p.host("audit").publicPort();
      await().atMost(PATIENCE).until(() -> settled(p, Topology.AUDIT_ORDERS) && settled(p, Topology.AUDIT_INVENTORY));

      for (String order : orders) assertThat(entries(p, again, order)).as(order).hasSize(2);
      assertThat(AuditReader.read(p.nc).duplicates()).isEmpty();
      assertThat(jsm.getStreamInfo(Topology.AUDIT).getStreamState().getMsgCount()).as("no new block").isEqualTo(blocks);
      assertThat(p.get(again, "/audit/verify").statusCode()).isEqualTo(200);
    }
  }

  private static void publish(Pipeline p, Envelope e) throws Exception {
    p.nc.jetStream().publish(e.natsSubject(), EventCodec.encode(e), PublishOptions.builder().messageId(e.id()).build());
  }

  private static List<JsonObject> entries(Pipeline p, int api, String order) {
    var r = p.get(api, "/audit/orders/" + order);
    if (r.statusCode() == 404) return List.of();
    return r.bodyAsJsonObject().getJsonArray("entries").stream().map(JsonObject.class::cast).toList();
  }

  private static boolean settled(Pipeline p, Topology.ConsumerSpec spec) throws Exception {
    var info = p.nc.jetStreamManagement().getConsumerInfo(spec.stream(), spec.durable());
    return info.getDelivered().getConsumerSequence() > 0 && info.getNumPending() == 0 && info.getNumAckPending() == 0;
  }
}
