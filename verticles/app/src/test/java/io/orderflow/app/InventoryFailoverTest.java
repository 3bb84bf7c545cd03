package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When the inventory instance the server pins the order events to stops, it gives the pin up, the standby
 * is pinned at once and nothing is lost.
 */
class InventoryFailoverTest {
  @Test
  void theStandbyTakesOverTheLedger() throws Exception {
    try (Pipeline p = new Pipeline()) {
      int api = p.host("orders,payments,notifications,audit").publicPort();
      ServiceHost first = p.host("inventory");
      ServiceHost standby = p.host("inventory");
      p.call(HttpMethod.PUT, first.publicPort(), "/inventory/SKU-F", new JsonObject().put("priceCents", 100).put("available", 30), Map.of());

      List<String> orders = new ArrayList<>(place(p, api, 10));
      awaitConfirmed(p, api, orders);
      String firstPin = pinned(p);
      assertThat(firstPin).isNotEmpty();
      p.stop(first);
      orders.addAll(place(p, api, 10));
      awaitConfirmed(p, api, orders);

      assertThat(pinned(p)).isNotEmpty().isNotEqualTo(firstPin);
      await().atMost(Duration.ofSeconds(30)).until(p::quiet);
      JsonObject level = p.get(standby.publicPort(), "/inventory/SKU-F").bodyAsJsonObject();
      assertThat(level.getLong("sold")).isEqualTo(20);
      assertThat(level.getLong("reserved")).isZero();
      assertThat(level.getLong("available")).isEqualTo(10);
    }
  }

  private static List<String> place(Pipeline p, int api, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var r = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-f", "tok_visa", "SKU-F", 1), Map.of());
      assertThat(r.statusCode()).isEqualTo(202);
      ids.add(r.bodyAsJsonObject().getString("orderId"));
    }
    return ids;
  }

  private static void awaitConfirmed(Pipeline p, int api, List<String> ids) {
    await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
        .allMatch(id -> "CONFIRMED".equals(p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status"))));
  }

  /** The id of the client the server pins inventory's order events to, or empty. */
  private static String pinned(Pipeline p) throws Exception {
    var groups = p.nc.jetStreamManagement().getConsumerInfo(Topology.INVENTORY_ORDERS.stream(), Topology.INVENTORY_ORDERS.durable())
        .getPriorityGroupStates();
    return groups == null ? "" : groups.stream().filter(g -> Topology.WRITER_GROUP.equals(g.getGroup()))
        .map(g -> g.getPinnedClientId() == null ? "" : g.getPinnedClientId()).findFirst().orElse("");
  }
}
