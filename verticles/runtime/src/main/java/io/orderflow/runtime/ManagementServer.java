package io.orderflow.runtime;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The management port of a process: liveness and readiness, never on the public port. */
public final class ManagementServer extends VerticleBase {
  private final int port;
  private final Readiness readiness;
  private HttpServer server;

  public ManagementServer(int port, Readiness readiness) {
    this.port = port;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    return vertx.createHttpServer().requestHandler(router).listen(port).onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void ready(RoutingContext ctx) {
    readiness.evaluate().onComplete(ar -> {
      var failures = ar.result();
      if (failures.isEmpty()) json(ctx, 200, new JsonObject().put("status", "UP"));
      else json(ctx, 503, new JsonObject().put("status", "DOWN").put("failures", new JsonArray(failures)));
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
