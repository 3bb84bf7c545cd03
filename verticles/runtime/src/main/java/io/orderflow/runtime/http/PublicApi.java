package io.orderflow.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.orderflow.runtime.telemetry.HttpAttributes;
import io.orderflow.runtime.telemetry.LogContext;
import io.orderflow.runtime.telemetry.ServiceTelemetry;
import io.orderflow.runtime.telemetry.Tracing;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP port of a process. Services of one process mount their routes on one router (several
 * servers on one port would be load-balanced by Vert.x, not routed), and every error is problem+json.
 * Every request is a SERVER span of the service owning its first path segment ({@code /orders} is orders'),
 * continuing the caller's {@code traceparent}; route handlers pass {@link #traceparent} on to the events they
 * publish. At DEBUG, {@code orderflow.http} logs one line per request.
 */
public final class PublicApi {
  private static final Logger LOG = LoggerFactory.getLogger(PublicApi.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("orderflow.http");
  private static final String SPAN = "orderflow.span";
  public static final long MAX_BODY_BYTES = 64 * 1024;
  /** All request headers together (a bearer token included); beyond it the server answers 431. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Router router;
  private final Map<String, ServiceTelemetry> owners = new ConcurrentHashMap<>();
  private volatile ServiceTelemetry fallback;

  public PublicApi(Vertx vertx) {
    router = Router.router(vertx);
    router.route().handler(this::traced);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
  }

  public Router router() {
    return router;
  }

  /** How many routes are mounted: a service's routes are those mounted while it started. */
  public int routeCount() {
    return router.getRoutes().size();
  }

  /** The routes from {@code fromIndex} on were mounted by {@code service}: requests to their first path segment are its spans. */
  public void own(int fromIndex, ServiceTelemetry service) {
    if (fallback == null) fallback = service;
    List<Route> routes = router.getRoutes();
    for (int i = fromIndex; i < routes.size(); i++) {
      String path = routes.get(i).getPath();
      if (path != null) owners.putIfAbsent(firstSegment(path), service);
    }
  }

  /** The W3C context of the request's span, to be carried by what the request publishes. */
  public static String traceparent(RoutingContext ctx) {
    Span span = ctx.get(SPAN);
    return span != null ? Tracing.traceparent(span) : ctx.request().getHeader(Tracing.TRACEPARENT);
  }

  private void traced(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String segment = firstSegment(req.path());
    ServiceTelemetry owner = owners.get(segment);
    if (owner == null) owner = fallback;
    if (owner == null) {
      ctx.next();
      return;
    }
    // A path no service owns (a scanner's probe) is named by its method only: span names stay a bounded set.
    String name = owners.containsKey(segment) ? req.method().name() + " /" + segment : req.method().name();
    Span span = owner.tracing().startServer(name, req.getHeader(Tracing.TRACEPARENT))
        .setAttribute(HttpAttributes.METHOD, req.method().name())
        .setAttribute(HttpAttributes.URL_PATH, req.path());
    ServiceTelemetry service = owner;
    ctx.put(SPAN, span);
    long started = System.nanoTime();
    ctx.addEndHandler(ar -> ended(ctx, service, span, started));
    ctx.next();
  }

  private static void ended(RoutingContext ctx, ServiceTelemetry owner, Span span, long started) {
    int status = ctx.response().getStatusCode();
    // The template of the route that answered; a request failed into the failure handler keeps the segment name.
    Route route = ctx.currentRoute();
    String template = route == null ? null : route.getPath();
    if (template != null) span.updateName(ctx.request().method().name() + " " + template).setAttribute(HttpAttributes.ROUTE, template);
    span.setAttribute(HttpAttributes.STATUS, (long) status);
    if (status >= 500) span.setStatus(StatusCode.ERROR);
    span.end();
    if (ACCESS.isDebugEnabled()) {
      try (var log = LogContext.of(owner.service(), span, orderId(ctx), null)) {
        ACCESS.debug("{} {} {} in {} ms", ctx.request().method(), ctx.request().path(), status, (System.nanoTime() - started) / 1_000_000);
      }
    }
  }

  /** The order a request is about: {@code /orders/{id}...}, or the one a 202 names in its Location. */
  private static String orderId(RoutingContext ctx) {
    String location = ctx.response().headers().get("Location");
    String path = location != null && location.startsWith("/orders/") ? location : ctx.request().path();
    if (path == null || !path.startsWith("/orders/")) return null;
    String rest = path.substring("/orders/".length());
    int slash = rest.indexOf('/');
    String id = slash < 0 ? rest : rest.substring(0, slash);
    return io.orderflow.codecs.Ids.isOrderId(id) ? id : null;
  }

  private static String firstSegment(String path) {
    if (path == null) return "";
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.indexOf('/', start);
    String segment = end < 0 ? path.substring(start) : path.substring(start, end);
    int param = segment.indexOf('?');
    return param < 0 ? segment : segment.substring(0, param);
  }

  /** Adds the catch-all and failure handlers after every service mounted its routes, then listens. */
  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    router.route().handler(ctx -> Problem.notFound("no route for " + ctx.request().method() + " " + ctx.request().path()).send(ctx));
    router.route().failureHandler(PublicApi::failure);
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setMaxHeaderSize(MAX_HEADER_BYTES))
        .requestHandler(router).listen(port, host);
  }

  static void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    Problem p;
    if (t instanceof Problem.Failure f) {
      p = f.problem();
      if (p.status() == 403) ctx.response().putHeader("WWW-Authenticate", io.orderflow.runtime.security.ApiAuth.FORBIDDEN_CHALLENGE);
    }
    else if (t instanceof DecodeException) p = Problem.badRequest("malformed JSON: " + t.getMessage());
    else if (ctx.statusCode() == 413) p = Problem.of(413, "Content Too Large", "the body exceeds " + MAX_BODY_BYTES + " bytes");
    else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) p = Problem.of(ctx.statusCode(), "Client Error", null);
    else if (io.orderflow.runtime.messaging.JetStreamBridge.isBrokerOutage(t)) {
      // Only an outage invites a retry: the client waits Retry-After and sends the same Idempotency-Key again.
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), t.toString());
      p = Problem.of(503, "Service Unavailable", "the message broker did not answer; retry later");
      ctx.response().putHeader("Retry-After", "1");
    } else {
      // A bug: 500, logged once with its stack; the trace id in the answer finds that log line and the trace.
      Span span = ctx.get(SPAN);
      String traceId = span == null ? null : span.getSpanContext().getTraceId();
      try (var log = span == null ? null : LogContext.of(null, span, orderId(ctx), null)) {
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
      }
      p = Problem.of(500, "Internal Server Error", "unexpected error" + (traceId == null ? "" : "; trace id " + traceId));
      if (span != null) span.recordException(t);
    }
    p.send(ctx);
  }
}
