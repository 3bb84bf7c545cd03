package io.orderflow.orders;

import io.orderflow.codecs.OrderLine;
import io.orderflow.orders.domain.OrderStatus;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The ORDERS_VIEW bucket: one entry per order, keyed {@code <customerId>.<orderId>}, for customer listings. */
public final class OrderProjection {
  private final JetStreamBridge bridge;

  public OrderProjection(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  /** Written when the order is accepted; never overwrites (the terminal state may already be there). */
  Future<Long> putPendingIfAbsent(OrderView view) {
    return bridge.kvPutIfAbsent(Topology.ORDERS_VIEW, view.key(), toJson(view).toBuffer().getBytes());
  }

  Future<Long> put(OrderView view) {
    return bridge.kvPut(Topology.ORDERS_VIEW, view.key(), toJson(view).toBuffer().getBytes());
  }

  public Future<Optional<OrderView>> get(String customerId, String orderId) {
    return bridge.kvGet(Topology.ORDERS_VIEW, customerId + "." + orderId)
        .map(e -> e.map(kv -> fromJson(new JsonObject(Buffer.buffer(kv.value())))));
  }

  /** A customer's orders, newest first. */
  public Future<List<OrderView>> ofCustomer(String customerId) {
    return bridge.kvKeys(Topology.ORDERS_VIEW, customerId + ".*").compose(keys -> {
      List<Future<Optional<OrderView>>> reads = new ArrayList<>();
      for (String key : keys) reads.add(get(customerId, key.substring(key.indexOf('.') + 1)));
      return Future.all(reads).map(all -> reads.stream().map(Future::result).flatMap(Optional::stream)
          .sorted(Comparator.comparing(OrderView::placedAt).reversed().thenComparing(OrderView::orderId)).toList());
    });
  }

  public static JsonObject toJson(OrderView v) {
    JsonArray lines = new JsonArray();
    for (OrderLine l : v.lines()) {
      lines.add(new JsonObject().put("sku", l.sku()).put("quantity", l.quantity()).put("unitPriceCents", l.unitPriceCents()));
    }
    JsonObject j = new JsonObject().put("orderId", v.orderId()).put("customerId", v.customerId()).put("status", v.status().name());
    if (v.reason() != null) j.put("reason", v.reason());
    j.put("lines", lines).put("totalCents", v.totalCents()).put("currency", v.currency()).put("placedAt", v.placedAt().toString());
    if (v.endedAt() != null) j.put("endedAt", v.endedAt().toString());
    return j;
  }

  public static OrderView fromJson(JsonObject j) {
    List<OrderLine> lines = new ArrayList<>();
    for (Object o : j.getJsonArray("lines")) {
      JsonObject l = (JsonObject) o;
      lines.add(new OrderLine(l.getString("sku"), l.getInteger("quantity"), l.getLong("unitPriceCents")));
    }
    String ended = j.getString("endedAt");
    return new OrderView(j.getString("orderId"), j.getString("customerId"), OrderStatus.valueOf(j.getString("status")),
        j.getString("reason"), List.copyOf(lines), j.getLong("totalCents"), j.getString("currency"),
        Instant.parse(j.getString("placedAt")), ended == null ? null : Instant.parse(ended));
  }
}
