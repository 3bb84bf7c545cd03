package io.orderflow.inventory;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns order events into ledger commands: reserve on placed, sell on confirmed, release on cancelled. An
 * OrderPlaced seen before (redelivered, or replayed from the DLQ, possibly long after) first asks whether its
 * order already ended: a dead-lettered OrderPlaced ends its order PROCESSING_FAILED, and stock reserved after
 * that would never be released. A first delivery needs no such read: the consumer delivers an order's
 * OrderPlaced before its end, and the ledger decides them in that order.
 */
final class OrderEventsHandler implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OrderEventsHandler.class);

  private final LedgerVerticle ledger;
  private final JetStreamBridge bridge;

  OrderEventsHandler(LedgerVerticle ledger, JetStreamBridge bridge) {
    this.ledger = ledger;
    this.bridge = bridge;
  }

  @Override
  public Future<Void> handle(Delivery d) {
    return switch (d.event().data()) {
      case Event.OrderPlaced placed when d.seenBefore() -> bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_ENDED + "." + placed.orderId())
          .compose(ended -> {
            if (ended.isEmpty()) return ledger.execute(d, l -> l.decideReserve(placed));
            d.withLogContext(() -> LOG.info("{}: order already ended, reserving nothing", placed.orderId()));
            // Settles it as it ended, which also closes an order the ledger never knew (so nothing reserves it later).
            boolean confirmed = ended.get().ok() && ended.get().envelope().data() instanceof Event.OrderConfirmed;
            return ledger.execute(d, l -> confirmed ? l.decideCommit(placed.orderId()) : l.decideRelease(placed.orderId()));
          });
      case Event.OrderPlaced placed -> ledger.execute(d, l -> l.decideReserve(placed));
      case Event.OrderConfirmed confirmed -> ledger.execute(d, l -> l.decideCommit(confirmed.orderId()));
      case Event.OrderCancelled cancelled -> ledger.execute(d, l -> l.decideRelease(cancelled.orderId()));
      default -> Future.succeededFuture();
    };
  }
}
