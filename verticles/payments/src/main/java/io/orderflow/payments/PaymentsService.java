package io.orderflow.payments;

import io.orderflow.payments.gateway.PaymentGatewayClient;
import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Topology;
import io.vertx.core.Future;
import java.util.List;

/**
 * Payments: charges every reserved order through the payment gateway, once, and publishes
 * PaymentAuthorized or PaymentDeclined. Its state is the PAYMENTS stream itself (one decision per order);
 * the payment token arrives through the short-lived PAYMENT_TOKENS bucket and is never logged or published.
 */
public final class PaymentsService implements OrderflowService {
  @Override
  public String name() {
    return "payments";
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    PaymentsConfig config;
    try {
      config = PaymentsConfig.from(ctx.settings());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    ctx.requires(List.of(Topology.INVENTORY, Topology.PAYMENTS), List.of(Topology.PAYMENTS_RESERVED),
        List.of(Topology.PAYMENT_TOKENS));
    var gateway = new PaymentGatewayClient(ctx.vertx(), config.pspUrl(), config.gatewayTimeout());
    return ctx.consume(Topology.PAYMENTS_RESERVED, new StockReservedHandler(ctx.bridge(), gateway)).mapEmpty();
  }
}
