package io.orderflow.inventory;

import io.orderflow.codecs.Event;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.vertx.core.Future;

/** Turns order events into ledger commands: reserve on placed, sell on confirmed, release on cancelled. */
final class OrderEventsHandler implements EventHandler {
  private final LedgerVerticle ledger;

  OrderEventsHandler(LedgerVerticle ledger) {
    this.ledger = ledger;
  }

  @Override
  public Future<Void> handle(Delivery d) {
    return switch (d.event().data()) {
      case Event.OrderPlaced placed -> ledger.execute(d, l -> l.decideReserve(placed));
      case Event.OrderConfirmed confirmed -> ledger.execute(d, l -> l.decideCommit(confirmed.orderId()));
      case Event.OrderCancelled cancelled -> ledger.execute(d, l -> l.decideRelease(cancelled.orderId()));
      default -> Future.succeededFuture();
    };
  }
}
