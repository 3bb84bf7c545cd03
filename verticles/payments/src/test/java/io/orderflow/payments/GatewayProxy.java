package io.orderflow.payments;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands between payments and psp-sim and misbehaves on request, per idempotency key: answer 503 without
 * forwarding (the gateway is down), forward and never answer (the gateway charged, the answer got lost),
 * answer 400 without forwarding (the gateway rejects the request), or hold the request until the test
 * releases it (the charge reaches the gateway late). Counts the requests it receives per key.
 */
final class GatewayProxy {
  enum Fault { UNAVAILABLE, NO_ANSWER, REJECTED, HELD }

  private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
  private final Map<String, Runnable> held = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final WebClient upstream;
  private final int upstreamPort;
  private HttpServer server;

  private GatewayProxy(Vertx vertx, int upstreamPort) {
    this.upstream = WebClient.create(vertx);
    this.upstreamPort = upstreamPort;
  }

  static Future<GatewayProxy> start(Vertx vertx, int upstreamPort) {
    GatewayProxy proxy = new GatewayProxy(vertx, upstreamPort);
    return vertx.createHttpServer().requestHandler(proxy::handle).listen(0).map(s -> {
      proxy.server = s;
      return proxy;
    });
  }

  int port() {
    return server.actualPort();
  }

  /** The next requests for this key misbehave, in this order. */
  void inject(String key, Fault... next) {
    faults.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(List.of(next));
  }

  /** True while a request of this key is held ({@link Fault#HELD}) and not released yet. */
  boolean holds(String key) {
    return held.containsKey(key);
  }

  /** Forwards the held request of this key to the gateway now. */
  void release(String key) {
    Runnable forward = held.remove(key);
    if (forward == null) throw new IllegalStateException("no request of " + key + " is held");
    forward.run();
  }

  int requests(String key) {
    AtomicInteger n = requests.get(key);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      String key = String.valueOf(req.getHeader("Idempotency-Key"));
      requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      Deque<Fault> queue = faults.get(key);
      Fault fault = queue == null ? null : queue.poll();
      if (fault == Fault.UNAVAILABLE) {
        req.response().setStatusCode(503).end("{\"title\":\"Service Unavailable\"}");
        return;
      }
      if (fault == Fault.REJECTED) {
        req.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json")
            .end("{\"type\":\"urn:orderflow:psp-sim:problem:invalid-request\",\"title\":\"Invalid request\","
                + "\"status\":400,\"detail\":\"rejected by the test proxy\"}");
        return;
      }
      if (fault == Fault.HELD) {
        held.put(key, () -> forward(req, body, null));
        return;
      }
      forward(req, body, fault);
    });
  }

  private void forward(HttpServerRequest req, Buffer body, Fault fault) {
    var forward = upstream.request(req.method(), upstreamPort, "127.0.0.1", req.uri());
    req.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) forward.putHeader(name, value);
    });
    forward.sendBuffer(body).onSuccess(resp -> {
      if (fault == Fault.NO_ANSWER) return; // the caller times out and closes the connection
      var response = req.response().setStatusCode(resp.statusCode());
      String type = resp.getHeader("Content-Type");
      if (type != null) response.putHeader("Content-Type", type);
      response.end(resp.body() == null ? Buffer.buffer() : resp.body());
    }).onFailure(e -> req.response().setStatusCode(502).end());
  }
}
