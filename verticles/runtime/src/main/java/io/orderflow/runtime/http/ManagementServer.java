package io.orderflow.runtime.http;

import io.orderflow.runtime.deadletter.DeadLetterAdmin;
import io.orderflow.runtime.deadletter.DeadLetterRoutes;
import io.orderflow.runtime.operator.ContactErasure;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.security.Role;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orderflow.runtime.telemetry.HttpMetrics;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.ext.web.RoutingContext;
import io.orderflow.runtime.Settings;
import java.util.List;

/**
 * The management port of a process: liveness, readiness, Prometheus metrics, the DLQ admin API and what the
 * services add (the orders service's console), never on the public port. {@code /admin/*} needs an admin token; probes and metrics do not. The admin API uses the process's first service's connection; without one (null) it is not
 * mounted. Its routes are named as management routes, so probes and scrapes are not counted as API requests.
 */
public final class ManagementServer extends VerticleBase {
  private final String host;
  private final int port;
  private final Readiness readiness;
  private final JetStreamBridge bridge;
  private final PrometheusMeterRegistry registry;
  private final ApiAuth auth;
  private final Settings settings;
  private final List<ManagementRoutes> extra;
  private HttpServer server;

  /** With the routes the process's services add ({@link ManagementRoutes}), which read {@code settings}. */
  public ManagementServer(String host, int port, Readiness readiness, JetStreamBridge bridge, PrometheusMeterRegistry registry, ApiAuth auth,
                          Settings settings, List<ManagementRoutes> extra) {
    this.host = host;
    this.settings = settings;
    this.extra = List.copyOf(extra);
    this.auth = auth;
    this.port = port;
    this.readiness = readiness;
    this.bridge = bridge;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    // Probes and scrapes stay open to whoever reaches the port (the Prometheus convention); operator actions need an admin.
    router.route("/admin/*").handler(auth.require(Role.ADMIN));
    if (bridge != null) {
      new DeadLetterRoutes(new DeadLetterAdmin(bridge)).mount(router);
      new ContactErasure(bridge).mount(router);
    } else {
      // Off in this process (its NATS identities may not replay, delete or erase): say so rather than time out.
      router.route("/admin/*").handler(ctx -> Problem.of(501, "Not Implemented", "dead-letter administration and contact erasure"
          + " are off in this process: they act as the ops NATS identity, whose password (ORDERFLOW_NATS_OPS_PASSWORD) it was not given").send(ctx));
    }
    var offered = new ManagementRoutes.Port(vertx, settings, auth, bridge);
    for (ManagementRoutes routes : extra) routes.mount(router, offered);
    router.route().handler(ctx -> Problem.notFound("no route for " + ctx.request().method() + " " + ctx.request().path()).send(ctx));
    router.route().failureHandler(PublicApi::failure);
    for (Route route : router.getRoutes()) route.setName(HttpMetrics.managementRoute(route.getPath() == null ? "*" : route.getPath()));
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
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
