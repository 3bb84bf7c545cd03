package io.orderflow.runtime.messaging;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Reads an order's hand-off (its payment token, its email) for the one service it was handed to. The
 * subject names the request's fingerprint; events made after OrderPlaced carry it, and for an older event
 * without it the fingerprint is read from the order's OrderPlaced. Reads go to the stream's leader.
 */
public final class HandOffs {
  private final JetStreamBridge bridge;

  public HandOffs(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  /** The payment token's hand-off, or empty when it expired, was erased, or the order is unknown. */
  public Future<Optional<byte[]>> paymentToken(String orderId, String requestHash) {
    return read(Topology.PAYMENT_TOKENS, Subjects.HANDOFF_PAYMENT_TOKEN, orderId, requestHash);
  }

  /** The email's hand-off, or empty when it expired, was erased, or the order is unknown. */
  public Future<Optional<byte[]>> contact(String orderId, String requestHash) {
    return read(Topology.CONTACTS, Subjects.HANDOFF_CONTACT, orderId, requestHash);
  }

  private Future<Optional<byte[]>> read(String stream, String prefix, String orderId, String requestHash) {
    return requestHash(orderId, requestHash).compose(hash -> hash.isEmpty()
        ? Future.succeededFuture(Optional.<byte[]>empty())
        : bridge.lastMessage(stream, Subjects.handOff(prefix, orderId, hash.get()))
            .map(found -> found.map(m -> m.getData() == null ? new byte[0] : m.getData())));
  }

  private Future<Optional<String>> requestHash(String orderId, String known) {
    if (known != null && !known.isBlank()) return Future.succeededFuture(Optional.of(known));
    return bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_PLACED + "." + orderId).map(placed -> placed
        .filter(StoredEvent::ok).map(e -> e.envelope().data())
        .filter(Event.OrderPlaced.class::isInstance).map(e -> ((Event.OrderPlaced) e).requestHash()));
  }
}
