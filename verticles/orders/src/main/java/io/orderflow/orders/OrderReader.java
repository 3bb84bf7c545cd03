package io.orderflow.orders;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one order straight from the event streams (two reads from the stream leader), so an order is visible the moment
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

  /** An order's event and where it is stored. */
  record Located(String stream, long sequence, Envelope event) {}

  /** Every event of the order across the streams, in causal order (each after the event that caused it). */
  Future<List<Envelope>> events(String orderId) {
    return located(orderId).map(all -> all.stream().map(Located::event).toList());
  }

  /** Like {@link #events}, with each event's stream and sequence (where a consumer's position can be compared). */
  Future<List<Located>> located(String orderId) {
    List<Future<Optional<Located>>> reads = List.of(
        at(Topology.ORDERS, Subjects.ORDERS_PLACED, orderId),
        at(Topology.INVENTORY, Subjects.INVENTORY_RESERVED, orderId),
        at(Topology.INVENTORY, Subjects.INVENTORY_REJECTED, orderId),
        at(Topology.PAYMENTS, Subjects.PAYMENTS, orderId),
        at(Topology.ORDERS, Subjects.ORDERS_ENDED, orderId),
        at(Topology.INVENTORY, Subjects.INVENTORY_SETTLED, orderId),
        at(Topology.PAYMENTS, Subjects.PAYMENTS_VOIDED, orderId),
        at(Topology.NOTIFICATIONS, Subjects.NOTIFICATIONS, orderId));
    return Future.all(reads).map(all -> {
      List<Located> found = reads.stream().map(Future::result).flatMap(Optional::stream).toList();
      Map<String, Located> byId = new HashMap<>();
      for (Located l : found) byId.put(l.event().id(), l);
      return causalOrder(found.stream().map(Located::event).toList()).stream().map(e -> byId.get(e.id())).toList();
    });
  }

  private Future<Optional<Located>> at(String stream, String prefix, String orderId) {
    return bridge.lastEvent(stream, prefix + "." + orderId)
        .map(e -> e.filter(StoredEvent::ok).map(s -> new Located(stream, s.sequence(), s.envelope())));
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
