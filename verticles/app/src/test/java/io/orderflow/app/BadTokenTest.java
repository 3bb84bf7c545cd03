package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A payment token the gateway refuses as malformed or unknown is the customer's error, not a failure: the
 * order ends CANCELLED / PAYMENT_INVALID at once, its stock released, and a flood of such orders makes no
 * dead letter and charges nothing, while the good orders around them go through.
 */
class BadTokenTest {
  @Test
  void aFloodOfMalformedTokensEndsEveryOrderPaymentInvalidWithNoDeadLetter() throws Exception {
    try (Pipeline p = new Pipeline()) {
      var host = p.host("orders,inventory,payments,notifications,audit");
      int api = host.publicPort();
      p.call(HttpMethod.PUT, api, "/inventory/SKU-BT", new JsonObject().put("priceCents", 900).put("available", 50), Map.of());

      List<Future<HttpResponse<Buffer>>> bad = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> good = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        bad.add(p.place(api, Orders.order("c-bad-" + i, "tok_" + i + "_not_a_card", "SKU-BT", 1), null));
        if (i % 6 == 0) good.add(p.place(api, Orders.order("c-good-" + i, "tok_visa", "SKU-BT", 1), null));
      }
      List<String> badIds = ids(bad);
      List<String> goodIds = ids(good);

      await().atMost(Duration.ofSeconds(60)).until(() -> ended(p, api, badIds) && ended(p, api, goodIds));
      for (String id : badIds) {
        JsonObject order = p.get(api, "/orders/" + id).bodyAsJsonObject();
        assertThat(order.getString("status") + "/" + order.getString("reason")).as(id).isEqualTo("CANCELLED/PAYMENT_INVALID");
      }
      for (String id : goodIds) assertThat(p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status")).isEqualTo("CONFIRMED");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(p.get(api, "/inventory/SKU-BT").bodyAsJsonObject().getMap())
          .as("only the good orders' stock is sold, the rest is released")
          .containsEntry("available", 50 - goodIds.size()).containsEntry("reserved", 0).containsEntry("sold", goodIds.size()));
      assertThat(p.nc.jetStreamManagement().getStreamInfo(Topology.DLQ).getStreamState().getMsgCount()).as("dead letters").isZero();
      JsonObject ledger = p.get(p.pspPort(), "/admin/ledger").bodyAsJsonObject();
      assertThat(ledger.getInteger("totalCharges")).as("only the good orders were charged").isEqualTo(goodIds.size());
    }
  }

  private static List<String> ids(List<Future<HttpResponse<Buffer>>> responses) throws Exception {
    List<String> ids = new ArrayList<>();
    for (var r : responses) {
      var response = r.await(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      ids.add(response.bodyAsJsonObject().getString("orderId"));
    }
    return ids;
  }

  private static boolean ended(Pipeline p, int api, List<String> ids) {
    return ids.stream().noneMatch(id -> "PENDING".equals(p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status")));
  }
}
