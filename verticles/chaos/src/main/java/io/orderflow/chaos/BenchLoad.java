package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.Topology;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The bench's open-loop client: {@code POST /orders} at a constant arrival rate, whatever the system does,
 * timed from each order's <em>scheduled</em> send (so queueing in the client counts, as it does for a real
 * shop), and the order's end seen on NATS: an ordered consumer of the ORDERS stream's
 * {@code orderflow.orders.ended.>} stamps the moment each stored OrderConfirmed or OrderCancelled reaches the client.
 *
 * <p>A 503, 429, 408, 409 or a connection error is retried with the same Idempotency-Key (the order keeps its
 * scheduled start), at most 20 times with backoff; any other answer is final. Vert.x's HTTP client on one event loop keeps the generator's own CPU
 * small, since it shares the two cores with what it measures. Each order carries its customer's bearer token,
 * signed once per customer before the load starts: a send adds a header, not a signature.
 */
final class BenchLoad implements AutoCloseable {
  /** One order as the bench follows it; times are {@link System#nanoTime()}. */
  static final class Order {
    final LoadGenerator.Order order;
    final long scheduledNanos;
    final int step;
    volatile long answeredNanos;
    volatile long endedNanos;
    volatile int status;

    Order(LoadGenerator.Order order, long scheduledNanos, int step) {
      this.order = order;
      this.scheduledNanos = scheduledNanos;
      this.step = step;
    }

    boolean ended() {
      return endedNanos != 0;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final String api;
  private final Dispatcher dispatcher;
  private final io.nats.client.MessageConsumer ends;
  private final Connection nc;
  final Map<String, Order> byId = new ConcurrentHashMap<>();
  /** Each ended order's terminal view as {@link Invariants} reads it (status, reason, total, lines), from its end event. */
  final Map<String, JsonObject> views = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Order> all = new ConcurrentLinkedQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final String keyPrefix;
  private final IntFunction<LoadGenerator.OrderSpec> orders;
  private final Tokens tokens;

  BenchLoad(Connection nc, String api, Tokens tokens, String keyPrefix, IntFunction<LoadGenerator.OrderSpec> orders) {
    this.nc = nc;
    this.api = api;
    this.tokens = tokens;
    this.keyPrefix = keyPrefix;
    this.orders = orders;
    this.vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000)
        .setIdleTimeout(30).setMaxInitialLineLength(8192), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    this.dispatcher = nc.createDispatcher();
    io.nats.client.MessageHandler onEnd = msg -> {
      long now = System.nanoTime();
      // The id is derived from the Idempotency-Key, so the order is known before it is sent: an unknown id
      // is not this client's, a second end of one order is a repeated publish (the stream deduplicates it).
      Order o = byId.get(Subjects.lastToken(msg.getSubject()));
      if (o == null || o.endedNanos != 0) return;
      o.endedNanos = now;
      views.put(o.order.expectedId(), view(msg.getData(), o.order.spec));
    };
    dispatcher.setPendingLimits(-1, -1);
    // Through JetStream, not a plain subscription: a plain one also sees publishes the stream refused (an end
    // that lost to another), and only what is stored ended the order.
    try {
      this.ends = nc.getStreamContext(Topology.ORDERS).createOrderedConsumer(new OrderedConsumerConfiguration()
          .filterSubject(Subjects.ORDERS_ENDED + ".>").deliverPolicy(DeliverPolicy.New)).consume(dispatcher, onEnd);
    } catch (Exception e) {
      throw new IllegalStateException("cannot follow the ORDERS stream's ends", e);
    }
  }

  /** Whether every order that reached NATS so far is seen by this client (flushes the subscription). */
  void sync() throws Exception {
    nc.flush(java.time.Duration.ofSeconds(5));
  }

  /** Sends orders at {@code rate}/s for {@code seconds}, tagged {@code step}; returns when the last is sent (not answered). */
  long drive(double rate, double seconds, int step) throws InterruptedException {
    return Pacer.drive(rate, seconds, scheduled -> send(scheduled, step));
  }

  private void send(long scheduledNanos, int step) {
    int n = (int) sequence.getAndIncrement();
    LoadGenerator.Order o = new LoadGenerator.Order(n, keyPrefix + "-" + n, orders.apply(n));
    Order tracked = new Order(o, scheduledNanos, step);
    byId.put(o.expectedId(), tracked);
    all.add(tracked);
    String body = o.body();
    // Looked up, not signed: the customers' tokens were made before the load (BenchSystem), so a send costs no signature.
    String authorization = tokens.customer(o.spec.customerId());
    vertx.runOnContext(v -> attempt(tracked, body, authorization, 0));
  }

  private void attempt(Order t, String body, String authorization, int attempt) {
    t.order.attempts.incrementAndGet();
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(api + "/orders")
        .putHeader("Content-Type", "application/json").putHeader("Idempotency-Key", t.order.key)
        .putHeader("Authorization", authorization).setTimeout(10_000);
    client.request(req).compose(r -> r.send(Buffer.buffer(body)).compose(resp -> resp.body().map(b -> {
      answered(t, resp.statusCode(), b, body, authorization, attempt);
      return null;
    }))).onFailure(err -> retry(t, body, authorization, attempt, "no answer: " + err));
  }

  private void answered(Order t, int status, Buffer answer, String body, String authorization, int attempt) {
    t.status = status;
    if (status == 202 || status == 200) {
      t.answeredNanos = System.nanoTime();
      t.order.orderId = t.order.expectedId();
      t.order.acceptedAt = java.time.Instant.now();
      return;
    }
    // Not an answer about the order: the broker is out (503), the client is told to slow down (429, 408), or
    // a twin with the same key is still in flight (409). Asked again with the same key, like a real client.
    if (status == 503 || status == 429 || status == 408 || status == 409) {
      retry(t, body, authorization, attempt, status + " " + Http.abbreviate(answer.toString()));
      return;
    }
    t.order.rejected = status + " " + Http.abbreviate(answer.toString());
  }

  private void retry(Order t, String body, String authorization, int attempt, String why) {
    t.order.failures++;
    if (attempt >= 20) {
      t.order.gaveUp = true;
      t.order.rejected = "gave up after " + attempt + " attempts: " + why;
      return;
    }
    vertx.setTimer(Math.min(2000, 50L << Math.min(attempt, 5)), id -> attempt(t, body, authorization, attempt + 1));
  }

  private static JsonObject view(byte[] data, LoadGenerator.OrderSpec spec) {
    if (!(EventCodec.decode(data) instanceof Decoded.Ok ok)) return new JsonObject().put("status", "UNDECODABLE");
    return switch (ok.envelope().data()) {
      case Event.OrderConfirmed c -> {
        io.vertx.core.json.JsonArray lines = new io.vertx.core.json.JsonArray();
        spec.items().forEach((sku, q) -> lines.add(new JsonObject().put("sku", sku).put("quantity", q)));
        yield new JsonObject().put("status", "CONFIRMED").put("totalCents", c.totalCents()).put("currency", c.currency()).put("lines", lines);
      }
      case Event.OrderCancelled c -> new JsonObject().put("status", "CANCELLED").put("reason", c.reason().name());
      default -> new JsonObject().put("status", "UNEXPECTED " + ok.envelope().type());
    };
  }

  /** The orders of one step. */
  List<Order> step(int step) {
    List<Order> out = new ArrayList<>();
    for (Order o : all) if (o.step == step) out.add(o);
    return out;
  }

  boolean settled() {
    for (Order o : all) if (!o.order.settled()) return false;
    return true;
  }

  @Override
  public void close() {
    try {
      ends.stop();
      nc.closeDispatcher(dispatcher);
    } catch (RuntimeException e) {
      // closing anyway
    }
    client.close();
    vertx.close();
  }
}
