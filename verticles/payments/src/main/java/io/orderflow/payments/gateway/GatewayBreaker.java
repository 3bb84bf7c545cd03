package io.orderflow.payments.gateway;

import io.orderflow.payments.domain.ChargeRequest;
import io.orderflow.payments.domain.ChargeResult;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.RetryPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment gateway behind one named circuit breaker. Only outages (timeouts, connection errors, 5xx)
 * count as failures; a decline is a result. Transient failures are retried with exponential backoff and
 * jitter while the breaker is closed, and every retry first asks the gateway whether the earlier attempt
 * charged after all (an unknown outcome), so even a gateway that lost its idempotency cache never charges
 * twice. When the breaker half-opens, a synthetic lookup probes the gateway: no order's attempt is spent.
 */
public final class GatewayBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayBreaker.class);
  public static final String NAME = "psp";
  private static final String PROBE_KEY = "orderflow-breaker-probe";

  private final PaymentGatewayClient client;
  private final CircuitBreaker breaker;
  private final Duration resetTimeout;
  private final Map<CircuitBreakerState, Counter> transitions = new EnumMap<>(CircuitBreakerState.class);

  public GatewayBreaker(Vertx vertx, PaymentGatewayClient client, int maxFailures, Duration resetTimeout, int retries,
                        MeterRegistry meters, Consumer<CircuitBreakerState> onChange) {
    this.client = client;
    this.resetTimeout = resetTimeout;
    this.breaker = CircuitBreaker.create(NAME, vertx, new CircuitBreakerOptions()
            .setMaxFailures(maxFailures)
            .setTimeout(-1) // the client has its own per-call timeout
            .setResetTimeout(resetTimeout.toMillis())
            .setMaxRetries(retries))
        .retryPolicy(RetryPolicy.exponentialDelayWithJitter(50, 1000));
    breaker.openHandler(v -> changed(CircuitBreakerState.OPEN, onChange));
    breaker.halfOpenHandler(v -> {
      changed(CircuitBreakerState.HALF_OPEN, onChange);
      probe();
    });
    breaker.closeHandler(v -> changed(CircuitBreakerState.CLOSED, onChange));
    // circuit_breaker_state{breaker, state}: 1 for the state this instance's breaker is in, 0 for the others.
    for (CircuitBreakerState s : CircuitBreakerState.values()) {
      Gauge.builder("circuit.breaker.state", breaker, b -> b.state() == s ? 1 : 0)
          .tags("breaker", NAME, "state", s.name().toLowerCase(Locale.ROOT))
          .description("1 for the state the circuit breaker is in on this instance, 0 for the others").register(meters);
      transitions.put(s, Counter.builder("circuit.breaker.transitions").tags("breaker", NAME, "state", s.name().toLowerCase(Locale.ROOT))
          .description("Circuit breaker transitions, by the state entered").register(meters));
    }
  }

  /**
   * Charges, resolving an unknown earlier outcome first when {@code resolveFirst} (a redelivery) or on a retry.
   * {@code traceparent}: the handling span the gateway calls belong to.
   */
  public Future<ChargeResult> charge(ChargeRequest request, boolean resolveFirst, String traceparent) {
    AtomicInteger attempt = new AtomicInteger();
    return guarded(() -> {
      boolean lookFirst = resolveFirst || attempt.getAndIncrement() > 0;
      if (!lookFirst) return client.charge(request, traceparent);
      return client.lookup(request.orderId(), traceparent).compose(found -> found
          .map(Future::succeededFuture)
          .orElseGet(() -> client.charge(request, traceparent)));
    });
  }

  public Future<Optional<ChargeResult>> lookup(String orderId, String traceparent) {
    return guarded(() -> client.lookup(orderId, traceparent));
  }

  public Future<Void> voidCharge(String chargeId, String traceparent) {
    return guarded(() -> client.voidCharge(chargeId, traceparent));
  }

  public CircuitBreakerState state() {
    return breaker.state();
  }

  /** How long to leave a message in the stream when the gateway is out. */
  public long retryDelayMillis() {
    return resetTimeout.toMillis();
  }

  /** True when a failure means "the gateway is out", so the order must wait rather than fail. */
  public static boolean isOutage(Throwable t) {
    return t instanceof GatewayFailure g ? g.isOutage() : t instanceof io.vertx.circuitbreaker.OpenCircuitException
        || t instanceof io.vertx.circuitbreaker.TimeoutException;
  }

  /** A failure that is not an outage (a rejected request): passed through the breaker as a result. */
  private record NotAnOutage(Throwable cause) {}

  /**
   * Runs a call through the breaker so that only outages count, and are retried, as failures: a rejection
   * travels through as a value and fails the caller afterwards, neither retried nor opening the breaker.
   */
  @SuppressWarnings("unchecked")
  private <T> Future<T> guarded(java.util.function.Supplier<Future<T>> call) {
    return breaker.<Object>execute(() -> call.get().map(v -> (Object) v)
            .recover(e -> isOutage(e) ? Future.failedFuture(e) : Future.succeededFuture(new NotAnOutage(e))))
        .compose(o -> o instanceof NotAnOutage n ? Future.failedFuture(n.cause()) : Future.succeededFuture((T) o));
  }

  private void probe() {
    breaker.execute(() -> client.lookup(PROBE_KEY, null))
        .onSuccess(v -> LOG.info("breaker {}: probe succeeded", NAME))
        .onFailure(e -> LOG.warn("breaker {}: probe failed: {}", NAME, e.toString()));
  }

  private void changed(CircuitBreakerState state, Consumer<CircuitBreakerState> onChange) {
    LOG.warn("breaker {}: {}", NAME, state);
    transitions.get(state).increment();
    onChange.accept(state);
  }
}
