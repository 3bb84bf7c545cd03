package io.orderflow.orders.console;

import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.http.ManagementRoutes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/** The operations console: its feed, started with the orders service, and its routes for the management port. */
public final class Console {
  private Console() {}

  /** Starts the feed on the service's connection (stopped with the service); completes with the routes to mount. */
  public static Future<ManagementRoutes> start(ServiceContext ctx, Function<String, Future<Optional<JsonObject>>> timelines) {
    Clock clock = Clock.systemUTC();
    var sessions = new ConsoleSessions();
    var gateway = GatewayControl.from(ctx.vertx(), ctx.settings());
    var feed = new ConsoleFeed(ctx.bridge(), gateway, sessions, clock);
    return ctx.vertx().deployVerticle(feed).map(id -> {
      ctx.onStop(() -> ctx.vertx().undeploy(id));
      return new ConsoleRoutes(sessions, feed, gateway, timelines, clock);
    });
  }
}
