package io.orderflow.orders.console;

import io.orderflow.codecs.Ids;
import io.orderflow.runtime.deadletter.DeadLetterAdmin;
import io.orderflow.runtime.deadletter.DeadLetterRoutes;
import io.orderflow.runtime.http.ClientAddress;
import io.orderflow.runtime.http.ManagementRoutes;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.security.Role;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /console} on the orders service's management port: the pages, sign-in and sign-out, and the JSON and
 * live stream the page reads. Everything but the sign-in page and its assets needs a session
 * ({@link ConsoleSessions}); a page without one is sent to sign in, an API call gets 401. Every state-changing
 * call repeats the session's CSRF token in {@value #CSRF_HEADER}.
 */
final class ConsoleRoutes implements ManagementRoutes {
  static final String COOKIE = "orderflow_console";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String SESSION = "orderflow.console.session";
  /** Scripts, styles and data from this origin only; no frames, no plug-ins, no form posts elsewhere. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
      + " font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final ConsoleSessions sessions;
  private final ConsoleFeed feed;
  private final GatewayControl gateway;
  private final Function<String, Future<Optional<JsonObject>>> timelines;
  private final ConsoleAssets assets = new ConsoleAssets();
  private final Clock clock;
  private ClientAddress clients;

  ConsoleRoutes(ConsoleSessions sessions, ConsoleFeed feed, GatewayControl gateway,
                Function<String, Future<Optional<JsonObject>>> timelines, Clock clock) {
    this.sessions = sessions;
    this.feed = feed;
    this.gateway = gateway;
    this.timelines = timelines;
    this.clock = clock;
  }

  @Override
  public void mount(Router router, Port port) {
    clients = ClientAddress.from(port.settings());
    router.route("/console*").handler(ConsoleRoutes::securityHeaders);
    router.get("/console/login").handler(ctx -> assets.send(ctx, "login.html"));
    router.get("/console/assets/:file").handler(ctx -> assets.send(ctx, "assets/" + ctx.pathParam("file")));
    router.post("/console/login").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(ctx -> signIn(ctx, port.auth()));
    // The page's relative asset paths need the slash. (Vert.x lets "/console" match "/console/" too: hence the test.)
    router.get("/console").handler(ctx -> {
      if (ctx.request().path().equals("/console")) redirect(ctx, "/console/");
      else ctx.next();
    });
    router.get("/console/").handler(ctx -> {
      if (session(ctx).isPresent()) assets.send(ctx, "index.html");
      else redirect(ctx, "/console/login");
    });
    router.post("/console/logout").handler(this::requireSession).handler(this::signOut);
    router.route("/console/api/*").handler(this::requireSession);
    router.get("/console/api/session").handler(this::describeSession);
    router.get("/console/api/stream").handler(this::stream);
    router.get("/console/api/orders/:id/timeline").handler(this::timeline);
    router.get("/console/api/gateway").handler(ctx -> reply(ctx, gateway.settings()));
    router.post("/console/api/gateway").handler(BodyHandler.create(false).setBodyLimit(4 * 1024)).handler(this::setGateway);
    if (port.operator() != null) {
      new DeadLetterRoutes(new DeadLetterAdmin(port.operator())).mount(router, "/console/api/dlq");
    } else {
      router.route("/console/api/dlq*").handler(ctx -> Problem.of(501, "Not Implemented", "dead-letter administration is off in"
          + " this process: it acts as the ops NATS identity, whose password (ORDERFLOW_NATS_OPS_PASSWORD) it was not given").send(ctx));
    }
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer").putHeader("Cache-Control", "no-store")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin").putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }

  private void signIn(RoutingContext ctx, ApiAuth auth) {
    // JSON only: a form of another site can post text/plain that looks like JSON, never application/json
    // (that needs a CORS preflight this port does not grant), so nobody is signed in to a session not theirs.
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      Problem.of(415, "Unsupported Media Type", "send {\"token\": \"<an admin token>\"} as application/json").send(ctx);
      return;
    }
    String token;
    try {
      JsonObject body = ctx.body().isEmpty() ? null : ctx.body().asJsonObject();
      token = body == null || !(body.getValue("token") instanceof String t) || t.isBlank() ? null : t;
    } catch (DecodeException | ClassCastException e) {
      token = null;
    }
    if (token == null) {
      Problem.badRequest("send {\"token\": \"<an admin token>\"} as JSON; ./orderflow token --admin makes one").send(ctx);
      return;
    }
    auth.signIn(ctx, token, Role.ADMIN).onSuccess(signedIn -> {
      var now = clock.instant();
      Cookie earlier = ctx.request().getCookie(COOKIE);
      if (earlier != null) sessions.close(earlier.getValue()); // a new sign-in ends the browser's old session
      var session = sessions.open(signedIn.caller(), signedIn.expiresAt(), now);
      ctx.response().addCookie(cookie(ctx, session.id(), Duration.between(now, session.expiresAt()).toSeconds()));
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  private void signOut(RoutingContext ctx) {
    sessions.close(ctx.<ConsoleSessions.Session>get(SESSION).id());
    ctx.response().addCookie(cookie(ctx, "", 0)).setStatusCode(204).end();
  }

  private Cookie cookie(RoutingContext ctx, String value, long maxAgeSeconds) {
    // Secure wherever the browser came over TLS: to this port, or to a trusted proxy (http.trusted-proxies) that says so.
    boolean tls = ctx.request().isSSL() || (clients.isTrustedProxy(ctx.request().remoteAddress().hostAddress())
        && "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto")));
    return Cookie.cookie(COOKIE, value).setPath("/console").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(tls).setMaxAge(maxAgeSeconds);
  }

  private Optional<ConsoleSessions.Session> session(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return sessions.find(c == null ? null : c.getValue(), clock.instant());
  }

  /** A session, and for a state-changing request its CSRF token; lets the caller through as an admin. */
  private void requireSession(RoutingContext ctx) {
    var session = session(ctx);
    if (session.isEmpty()) {
      Problem.of(401, "Unauthorized", "sign in at /console/login (your session ended or never began)").send(ctx);
      return;
    }
    HttpMethod method = ctx.request().method();
    boolean changes = !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS));
    if (changes && !session.get().csrfMatches(ctx.request().getHeader(CSRF_HEADER))) {
      Problem.of(403, "Forbidden", "this needs the session's CSRF token in " + CSRF_HEADER + " (GET /console/api/session)").send(ctx);
      return;
    }
    ctx.put(SESSION, session.get());
    ApiAuth.admit(ctx, session.get().caller());
    ctx.next();
  }

  private void describeSession(RoutingContext ctx) {
    ConsoleSessions.Session s = ctx.get(SESSION);
    ctx.json(new JsonObject().put("subject", s.caller().subject()).put("csrf", s.csrf()).put("expiresAt", s.expiresAt().toString())
        .put("gatewayControls", gateway.enabled()));
  }

  /**
   * Server-Sent Events: the newest snapshot at once, then the feed's, one a second. A client that cannot keep
   * up misses snapshots instead of making this process buffer them; an ended session closes the stream (the
   * browser's reconnect then gets 401 and goes to sign in).
   */
  private void stream(RoutingContext ctx) {
    ConsoleSessions.Session s = ctx.get(SESSION);
    var response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    String first = feed.latestFrame();
    if (first != null) response.write(first);
    var consumer = ctx.vertx().eventBus().<String>localConsumer(ConsoleFeed.SNAPSHOTS);
    consumer.handler(m -> {
      if (response.ended() || response.closed()) return;
      // Checked without counting as use: an unattended console still ends after the idle time.
      if (!sessions.alive(s.id(), clock.instant())) {
        response.end();
        return;
      }
      if (!response.writeQueueFull()) response.write(m.body());
    });
    feed.watching();
    var left = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable leave = () -> {
      if (left.compareAndSet(false, true)) {
        consumer.unregister();
        feed.leaving();
      }
    };
    response.closeHandler(v -> leave.run());
    response.endHandler(v -> leave.run());
  }

  private void timeline(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isOrderId(id)) {
      Problem.badRequest("'" + id + "' is not an order id").send(ctx);
      return;
    }
    timelines.apply(id).onSuccess(found -> found.ifPresentOrElse(ctx::json,
        () -> Problem.notFound("no order " + id).send(ctx))).onFailure(ctx::fail);
  }

  private void setGateway(RoutingContext ctx) {
    String mode;
    try {
      JsonObject body = ctx.body().isEmpty() ? null : ctx.body().asJsonObject();
      mode = body == null || !(body.getValue("mode") instanceof String m) ? "" : m;
    } catch (DecodeException | ClassCastException e) {
      mode = "";
    }
    reply(ctx, gateway.set(mode));
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> answer) {
    answer.onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(302).putHeader("Location", to).end();
  }
}
