package io.orderflow.orders.domain;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds the order projection from the ORDERS stream: the streams are the source of truth, the
 * projection only a fold over them. Feed events in stream order; the result is keyed like the bucket.
 */
public final class ProjectionFold {
  private final Map<String, OrderView> byOrder = new LinkedHashMap<>();

  public void accept(Envelope e) {
    switch (e.data()) {
      case Event.OrderPlaced p -> byOrder.putIfAbsent(p.orderId(), OrderView.placed(p, e.time()));
      case Event.OrderConfirmed c -> byOrder.computeIfPresent(c.orderId(), (k, v) -> v.ended(c, e.time()));
      case Event.OrderCancelled c -> byOrder.computeIfPresent(c.orderId(), (k, v) -> v.ended(c, e.time()));
      default -> {
        // other events do not change the order view
      }
    }
  }

  /** The rebuilt views by projection key ({@code <customerId>.<orderId>}). */
  public Map<String, OrderView> views() {
    Map<String, OrderView> out = new LinkedHashMap<>();
    byOrder.values().forEach(v -> out.put(v.key(), v));
    return out;
  }
}
