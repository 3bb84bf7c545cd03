package io.orderflow.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Sits between payments and psp-sim and remembers the {@code traceparent} of every call before passing it
 * on unchanged: how a test sees what the gateway receives.
 */
final class GatewayRecorder implements AutoCloseable {
  private final HttpServer server;
  private final WebClient client;
  private final List<String> traceparents = new CopyOnWriteArrayList<>();

  private GatewayRecorder(HttpServer server, WebClient client) {
    this.server = server;
    this.client = client;
  }

  static GatewayRecorder start(Vertx vertx, int gatewayPort) throws Exception {
    WebClient client = WebClient.create(vertx);
    var holder = new GatewayRecorder[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String traceparent = req.getHeader("traceparent");
      if (traceparent != null) holder[0].traceparents.add(traceparent);
      var forward = client.request(req.method(), gatewayPort, "127.0.0.1", req.uri());
      req.headers().forEach(h -> {
        if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-Length")) forward.putHeader(h.getKey(), h.getValue());
      });
      forward.sendBuffer(body).onComplete(ar -> {
        if (ar.failed()) {
          req.response().setStatusCode(502).end();
          return;
        }
        var resp = req.response().setStatusCode(ar.result().statusCode());
        ar.result().headers().forEach(h -> {
          if (!h.getKey().equalsIgnoreCase("Content-Length")) resp.putHeader(h.getKey(), h.getValue());
        });
        resp.end(ar.result().bodyAsBuffer() == null ? io.vertx.core.buffer.Buffer.buffer() : ar.result().bodyAsBuffer());
      });
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    holder[0] = new GatewayRecorder(server, client);
    return holder[0];
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  List<String> traceparents() {
    return List.copyOf(traceparents);
  }

  @Override
  public void close() throws Exception {
    server.close().await(5, TimeUnit.SECONDS);
    client.close();
  }
}
