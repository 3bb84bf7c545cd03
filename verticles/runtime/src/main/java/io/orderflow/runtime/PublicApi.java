package io.orderflow.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP port of a process. Services of one process mount their routes on one router (several
 * servers on one port would be load-balanced by Vert.x, not routed), and every error is problem+json.
 */
public final class PublicApi {
  private static final Logger LOG = LoggerFactory.getLogger(PublicApi.class);
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private final Router router;

  public PublicApi(Vertx vertx) {
    router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
  }

  public Router router() {
    return router;
  }

  /** Adds the catch-all and failure handlers after every service mounted its routes, then listens. */
  public Future<HttpServer> listen(Vertx vertx, int port) {
    router.route().handler(ctx -> Problem.notFound("no route for " + ctx.request().method() + " " + ctx.request().path()).send(ctx));
    router.route().failureHandler(PublicApi::failure);
    return vertx.createHttpServer().requestHandler(router).listen(port);
  }

  private static boolean isOutage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException || c instanceof java.util.concurrent.TimeoutException
          || c instanceof java.util.concurrent.CancellationException || c instanceof IllegalStateException) return true;
    }
    return false;
  }

  static void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    Problem p;
    if (t instanceof Problem.Failure f) p = f.problem();
    else if (t instanceof DecodeException) p = Problem.badRequest("malformed JSON: " + t.getMessage());
    else if (ctx.statusCode() == 413) p = Problem.of(413, "Content Too Large", "the body exceeds " + MAX_BODY_BYTES + " bytes");
    else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) p = Problem.of(ctx.statusCode(), "Client Error", null);
    else if (isOutage(t)) {
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), t.toString());
      p = Problem.of(503, "Service Unavailable", "the message broker did not answer; retry later");
      ctx.response().putHeader("Retry-After", "1");
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
      p = Problem.of(500, "Internal Server Error", "unexpected error");
    }
    p.send(ctx);
  }
}
