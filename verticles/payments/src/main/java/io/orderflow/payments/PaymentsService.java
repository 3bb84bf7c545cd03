package io.orderflow.payments;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.payments.gateway.GatewayBreaker;
import io.orderflow.payments.gateway.PaymentGatewayClient;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.orderflow.runtime.messaging.ConsumerRunner;
import java.time.Duration;
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
 * PaymentAuthorized or PaymentDeclined; voids the charge of an order that ended CANCELLED. Its state is the
 * PAYMENTS stream itself (one decision per order); the payment token arrives through its short-lived
 * hand-off in the PAYMENT_TOKENS stream and is never logged or published.
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
    ctx.requires(List.of(Topology.INVENTORY, Topology.PAYMENTS, Topology.ORDERS, Topology.SYSTEM, Topology.PAYMENT_TOKENS),
        List.of(Topology.PAYMENTS_RESERVED, Topology.PAYMENTS_ENDED), List.of());
    var client = new PaymentGatewayClient(ctx.vertx(), config.pspUrl(), config.gatewayTimeout(), ctx.telemetry().tracing());
    var runner = new java.util.concurrent.atomic.AtomicReference<ConsumerRunner>();
    var breakerState = new java.util.concurrent.atomic.AtomicReference<>(CircuitBreakerState.CLOSED);
    var gateway = new GatewayBreaker(ctx.vertx(), client, config.breakerMaxFailures(), config.breakerResetTimeout(),
        config.gatewayRetries(), ctx.telemetry().meters(),
        state -> breakerChanged(ctx, state, runner.get(), config.breakerResetTimeout(), breakerState));
    var metrics = new PaymentMetrics(ctx.telemetry().meters());
    var voiding = new ChargeVoiding(ctx.bridge(), gateway);
    return ctx.consume(Topology.PAYMENTS_RESERVED, new StockReservedHandler(ctx.bridge(), gateway, voiding, metrics))
        .onSuccess(runner::set)
        .compose(r -> ctx.consume(Topology.PAYMENTS_ENDED, new VoidHandler(voiding, gateway)))
        .mapEmpty();
  }

  /**
   * While the gateway is out, payments stops charging: this instance holds its consumer (stops pulling) until
   * its breaker closes, and when the breaker first opens the consumer is also paused on the server for two
   * reset timeouts, so every instance lets the orders wait in JetStream without spending deliveries, even one
   * restarted meanwhile. The server pause is not renewed when a probe fails: one instance that cannot reach
   * the gateway (its own network) must not hold the others for long; an instance whose calls fail too opens
   * its own breaker. A successful probe resumes both. Every transition is an event.
   */
  private static void breakerChanged(ServiceContext ctx, CircuitBreakerState state, ConsumerRunner runner, Duration reset,
                                     java.util.concurrent.atomic.AtomicReference<CircuitBreakerState> previous) {
    CircuitBreakerState before = previous.getAndSet(state);
    if (runner != null) {
      if (state == CircuitBreakerState.OPEN) {
        runner.hold();
        if (before == CircuitBreakerState.CLOSED) {
          runner.pause(Instant.now().plus(reset.multipliedBy(2)))
              .onFailure(e -> LOG.warn("payments-reserved not paused on the server ({}): other instances go on trying", e.toString()));
        }
      }
      if (state == CircuitBreakerState.CLOSED) {
        runner.resume().onFailure(e -> LOG.warn("payments-reserved not resumed on the server ({}): its pause ends by itself", e.toString()));
      }
    }
    var event = Envelope.of(new Event.BreakerChanged(GatewayBreaker.NAME, state.name(), ctx.instanceId()), Instant.now(), Cause.NONE);
    ctx.bridge().publish(event).onFailure(e -> LOG.warn("breaker event not published: {}", e.toString()));
  }
}
