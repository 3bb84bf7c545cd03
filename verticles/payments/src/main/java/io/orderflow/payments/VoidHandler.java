package io.orderflow.payments;

import io.orderflow.codecs.Event;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.vertx.core.Future;

/**
 * Takes the money back when an order ends CANCELLED while it may have been charged: one of its events was
 * dead-lettered (PROCESSING_FAILED), or a slow gateway, a second or a zombie payments instance charged it
 * after it was cancelled ({@link ChargeVoiding}). An order that ended CONFIRMED keeps its charge.
 */
final class VoidHandler implements EventHandler {
  private final ChargeVoiding voiding;
  private final GatewayBreaker gateway;

  VoidHandler(ChargeVoiding voiding, GatewayBreaker gateway) {
    this.voiding = voiding;
    this.gateway = gateway;
  }

  @Override
  public Future<Void> handle(Delivery delivery) {
    if (!(delivery.event().data() instanceof Event.OrderCancelled cancelled)) return Future.succeededFuture();
    return voiding.voidAnyCharge(cancelled.orderId(), delivery, "order cancelled: " + cancelled.reason()
            + (cancelled.detail() == null ? "" : ", " + cancelled.detail()))
        .recover(e -> GatewayBreaker.isOutage(e)
            ? Future.failedFuture(new RetryLater("payment gateway unavailable: " + e.getMessage(), gateway.retryDelayMillis()))
            : Future.failedFuture(e));
  }
}
