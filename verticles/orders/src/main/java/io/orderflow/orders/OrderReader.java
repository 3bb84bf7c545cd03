package io.orderflow.orders;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.JetStreamBridge;
import io.orderflow.runtime.StoredEvent;
import io.orderflow.runtime.Topology;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one order straight from the event streams (two direct gets), so an order is visible the moment
 * its OrderPlaced is acknowledged: no projection lag, never a 404 for an accepted order.
 */
final class OrderReader {
  private final JetStreamBridge bridge;

  OrderReader(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  Future<Optional<OrderView>> order(String orderId) {
    return last(Topology.ORDERS, Subjects.ORDERS_PLACED, orderId).compose(placed -> {
      if (placed.isEmpty() || !(placed.get().data() instanceof Event.OrderPlaced p)) return Future.succeededFuture(Optional.empty());
      OrderView view = OrderView.placed(p, placed.get().time());
      return last(Topology.ORDERS, Subjects.ORDERS_ENDED, orderId)
          .map(ended -> Optional.of(ended.map(e -> view.ended(e.data(), e.time())).orElse(view)));
    });
  }

  /** Every event of the order across the streams, in causal order (each after the event that caused it). */
  Future<List<Envelope>> events(String orderId) {
    List<Future<Optional<Envelope>>> reads = List.of(
        last(Topology.ORDERS, Subjects.ORDERS_PLACED, orderId),
        last(Topology.INVENTORY, Subjects.INVENTORY_RESERVED, orderId),
        last(Topology.INVENTORY, Subjects.INVENTORY_REJECTED, orderId),
        last(Topology.PAYMENTS, Subjects.PAYMENTS, orderId),
        last(Topology.ORDERS, Subjects.ORDERS_ENDED, orderId),
        last(Topology.INVENTORY, Subjects.INVENTORY_SETTLED, orderId),
        last(Topology.NOTIFICATIONS, Subjects.NOTIFICATIONS, orderId));
    return Future.all(reads).map(all -> causalOrder(reads.stream().map(Future::result).flatMap(Optional::stream).toList()));
  }

  static List<Envelope> causalOrder(List<Envelope> events) {
    Map<String, Envelope> byId = new HashMap<>();
    for (Envelope e : events) byId.put(e.id(), e);
    Map<String, Integer> depth = new HashMap<>();
    for (Envelope e : events) depth(e, byId, depth);
    List<Envelope> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing((Envelope e) -> depth.get(e.id())).thenComparing(Envelope::time));
    return sorted;
  }

  private static int depth(Envelope e, Map<String, Envelope> byId, Map<String, Integer> memo) {
    Integer known = memo.get(e.id());
    if (known != null) return known;
    memo.put(e.id(), 0); // guards against a (malformed) cycle
    Envelope cause = e.causationId() == null ? null : byId.get(e.causationId());
    int d = cause == null ? 0 : depth(cause, byId, memo) + 1;
    memo.put(e.id(), d);
    return d;
  }

  private Future<Optional<Envelope>> last(String stream, String prefix, String orderId) {
    return bridge.lastEvent(stream, prefix + "." + orderId).map(e -> e.filter(StoredEvent::ok).map(StoredEvent::envelope));
  }
}
