package io.orderflow.payments;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.payments.gateway.PaymentGatewayClient;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.util.List;

/**
 * Payments: charges every reserved order through the payment gateway, once, and publishes
 * PaymentAuthorized or PaymentDeclined. Its state is the PAYMENTS stream itself (one decision per order);
 * the payment token arrives through the short-lived PAYMENT_TOKENS bucket and is never logged or published.
 */
public final class PaymentsService implements OrderflowService {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentsService.class);

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
    ctx.requires(List.of(Topology.INVENTORY, Topology.PAYMENTS, Topology.ORDERS, Topology.SYSTEM),
        List.of(Topology.PAYMENTS_RESERVED, Topology.PAYMENTS_ENDED), List.of(Topology.PAYMENT_TOKENS));
    var client = new PaymentGatewayClient(ctx.vertx(), config.pspUrl(), config.gatewayTimeout(), ctx.telemetry().tracing());
    var runner = new java.util.concurrent.atomic.AtomicReference<io.orderflow.runtime.messaging.ConsumerRunner>();
    var gateway = new GatewayBreaker(ctx.vertx(), client, config.breakerMaxFailures(), config.breakerResetTimeout(),
        config.gatewayRetries(), ctx.telemetry().meters(), state -> breakerChanged(ctx, state, runner.get()));
    var metrics = new PaymentMetrics(ctx.telemetry().meters());
    return ctx.runner(Topology.PAYMENTS_RESERVED, new StockReservedHandler(ctx.bridge(), gateway, metrics))
        .onSuccess(runner::set)
        .compose(r -> ctx.consume(Topology.PAYMENTS_ENDED, new VoidHandler(ctx.bridge(), gateway)))
        .mapEmpty();
  }

  /**
   * While the gateway is out, the payment consumer stops pulling: orders wait in JetStream without
   * spending delivery attempts, and resume when the breaker closes. Every transition is an event.
   */
  private static void breakerChanged(ServiceContext ctx, CircuitBreakerState state, io.orderflow.runtime.messaging.ConsumerRunner runner) {
    if (runner != null) {
      if (state == CircuitBreakerState.OPEN) runner.pause();
      if (state == CircuitBreakerState.CLOSED) runner.resume();
    }
    var event = Envelope.of(new Event.BreakerChanged(GatewayBreaker.NAME, state.name(), ctx.instanceId()), Instant.now(), Cause.NONE);
    ctx.bridge().publish(event).onFailure(e -> LOG.warn("breaker event not published: {}", e.toString()));
  }
}
