package io.orderflow.chaos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Open-loop order load: a new order every 1/rate seconds whatever the system does, each with its own
 * Idempotency-Key, sent with its customer's bearer token. A 503, a connection error or a timeout is retried
 * with the same key (backoff, for a bounded time), so at the end every order is known exactly: accepted (with
 * its id) or rejected.
 */
final class LoadGenerator {
  /** What one order asks for; {@code token} is its payment token (what psp-sim charges), not a bearer token. */
  record OrderSpec(String customerId, Map<String, Integer> items, String token) {}

  /** One order as the client knows it. */
  static final class Order {
    final int n;
    final String key;
    final OrderSpec spec;
    final Instant created = Instant.now();
    final AtomicInteger attempts = new AtomicInteger();
    volatile int failures;          // attempts without a definitive answer (503, connection error, timeout)
    volatile String orderId;        // set on 202
    volatile Instant acceptedAt;
    volatile String rejected;       // a definitive refusal (4xx other than 408/429)
    volatile boolean gaveUp;        // retries exhausted without a definitive answer

    Order(int n, String key, OrderSpec spec) {
      this.n = n;
      this.key = key;
      this.spec = spec;
    }

    /** The id the order gets: a keyed order's id is derived from (customer, Idempotency-Key). */
    String expectedId() {
      return io.orderflow.codecs.Ids.orderIdForIdempotencyKey(spec.customerId(), key);
    }

    boolean settled() {
      return orderId != null || rejected != null || gaveUp;
    }

    String body() {
      JsonArray items = new JsonArray();
      spec.items.forEach((sku, q) -> items.add(new JsonObject().put("sku", sku).put("quantity", q)));
      return new JsonObject().put("customerId", spec.customerId).put("email", spec.customerId + "@example.com")
          .put("items", items).put("paymentToken", spec.token).encode();
    }
  }

  private final Http http;
  private final Tokens tokens;
  private final Supplier<List<String>> apis;
  private final double rate;
  private final IntFunction<OrderSpec> orders;
  private final int limit;
  private final String keyPrefix;
  private final Duration retryFor;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().factory());
  final ConcurrentLinkedQueue<Order> all = new ConcurrentLinkedQueue<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicLong rr = new AtomicLong();
  private volatile boolean running;
  /** Runs once per order before its first request (a scenario preparing the order's world); none by default. */
  private volatile java.util.function.Consumer<Order> beforeFirstAttempt = o -> {};

  LoadGenerator(Http http, Tokens tokens, Supplier<List<String>> apis, double rate, IntFunction<OrderSpec> orders, int limit,
      String keyPrefix, Duration retryFor) {
    this.http = http;
    this.tokens = tokens;
    this.apis = apis;
    this.rate = rate;
    this.orders = orders;
    this.limit = limit;
    this.keyPrefix = keyPrefix;
    this.retryFor = retryFor;
  }

  /** Sets what runs before each order's first request; call before {@link #start}. */
  LoadGenerator beforeFirstAttempt(java.util.function.Consumer<Order> hook) {
    this.beforeFirstAttempt = hook;
    return this;
  }

  void start() {
    running = true;
    long periodNanos = (long) (1_000_000_000L / rate);
    timer.scheduleAtFixedRate(this::next, 0, periodNanos, TimeUnit.NANOSECONDS);
  }

  /** Stops creating orders; those already created keep retrying until they settle. */
  void stop() {
    running = false;
  }

  int created() {
    return created.get();
  }

  long accepted() {
    return all.stream().filter(o -> o.orderId != null).count();
  }

  /** Waits until every created order is settled (accepted, rejected, or out of retries). */
  void awaitSettled(Duration timeout) throws Exception {
    Wait.until("every submitted order answered", timeout, () -> all.stream().allMatch(Order::settled));
  }

  /**
   * Orders whose retries ran out are asked again (same key) now that the system is healed: the answer
   * tells exactly whether the broker stored them.
   */
  void resolveGaveUp(Duration timeout) throws Exception {
    List<Order> open = all.stream().filter(o -> o.gaveUp && o.orderId == null && o.rejected == null).toList();
    for (Order o : open) o.gaveUp = false;
    for (Order o : open) attempt(o, Instant.now().plus(timeout));
    awaitSettled(timeout.plusSeconds(10));
  }

  private void next() {
    if (!running) return;
    int n = created.getAndIncrement();
    if (limit > 0 && n >= limit) {
      running = false;
      return;
    }
    Order o = new Order(n, keyPrefix + "-" + n, orders.apply(n));
    try {
      beforeFirstAttempt.accept(o);
    } catch (RuntimeException e) {
      o.rejected = "not sent: preparing it failed: " + e;
      all.add(o);
      return;
    }
    all.add(o);
    attempt(o, o.created.plus(retryFor));
  }

  private void attempt(Order o, Instant deadline) {
    List<String> targets = apis.get();
    String api = targets.get((int) (rr.getAndIncrement() % targets.size()));
    int attempt = o.attempts.incrementAndGet();
    // The customer's own token, as a shop's client sends it (POST /orders refuses another customer's).
    Map<String, String> headers = Map.of("Idempotency-Key", o.key, "Authorization", tokens.customer(o.spec.customerId()));
    http.sendAsync("POST", api + "/orders", o.body(), headers, Duration.ofSeconds(5))
        .whenComplete((r, err) -> {
          if (err == null && r.status() == 202) {
            try {
              o.orderId = java.util.Objects.requireNonNull(r.json().getString("orderId"));
              o.acceptedAt = Instant.now();
            } catch (RuntimeException e) {
              o.rejected = "202 without an orderId: " + Http.abbreviate(r.body());
            }
            return;
          }
          // 409: "a request with this Idempotency-Key is still in flight; retry" (an earlier attempt's publish is
          // not readable yet, e.g. while a stream elects a new leader): the API asks for a retry with the same key.
          boolean retryable = err != null || r.status() >= 500 || r.status() == 408 || r.status() == 409 || r.status() == 429;
          if (!retryable) {
            o.rejected = r.status() + " " + Http.abbreviate(r.body());
            return;
          }
          o.failures++;
          if (Instant.now().isAfter(deadline)) {
            o.gaveUp = true;
            return;
          }
          long backoff = Math.min(2000, 100L << Math.min(attempt, 5));
          timer.schedule(() -> attempt(o, deadline), backoff, TimeUnit.MILLISECONDS);
        });
  }

  void close() {
    running = false;
    timer.shutdownNow();
  }
}
