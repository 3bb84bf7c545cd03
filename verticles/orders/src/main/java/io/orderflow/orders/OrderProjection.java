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
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.orderflow.orders.domain.NewestFirst;
import java.util.ArrayList;
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

  /**
   * One page of a customer's orders: {@code orders} newest first, and {@code next} the cursor of the page after
   * it (0 when this one is the last).
   */
  public record Page(List<OrderView> orders, long next) {}

  /**
   * A customer's orders most recently changed first, {@code limit} of them below the cursor {@code before} (0:
   * from the newest). Each order is one message of the bucket's stream (one revision per key), at the sequence
   * of its last change; the page is found through the server's subject index ({@link NewestFirst}), so neither
   * the customer's other orders nor their keys are read. The cursor is a stream sequence: stable while paging,
   * except that an order changing meanwhile moves to the top (it is listed by its last change).
   */
  public Future<Page> ofCustomer(String customerId, int limit, long before) {
    String stream = Topology.kvStream(Topology.ORDERS_VIEW);
    String filter = "$KV." + Topology.ORDERS_VIEW.name() + "." + customerId + ".*";
    return bridge.blocking(() -> {
      long below = before > 0 ? before : bridge.management().getStreamInfo(stream).getStreamState().getLastSequence() + 1;
      List<NewestFirst.Hit<OrderView>> hits = NewestFirst.before(seq -> probe(stream, filter, seq), below, limit + 1);
      List<OrderView> orders = hits.stream().limit(limit).map(NewestFirst.Hit::value).toList();
      return new Page(orders, hits.size() > limit ? hits.get(limit - 1).sequence() : 0);
    });
  }

  /** The first view at or after a sequence, read from the stream's leader; a deleted entry's marker is skipped. */
  private NewestFirst.Hit<OrderView> probe(String stream, String filter, long seq) throws Exception {
    for (long from = seq; ; ) {
      MessageInfo mi;
      try {
        mi = bridge.management().getMessage(stream, MessageGetRequest.nextForSubject(from, filter));
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NO_MESSAGE_FOUND) return null;
        throw e;
      }
      if (mi.getData() != null && mi.getData().length > 0) {
        return new NewestFirst.Hit<>(mi.getSeq(), fromJson(new JsonObject(Buffer.buffer(mi.getData()))));
      }
      from = mi.getSeq() + 1;
    }
  }

  private static final int NO_MESSAGE_FOUND = 10037;

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
