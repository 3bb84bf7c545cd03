package io.orderflow.runtime.security;

import io.orderflow.runtime.Settings;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.http.ClientAddress;
import io.orderflow.runtime.http.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer-token authentication and role checks for HTTP routes. A route states who may call it
 * ({@code router.put(...).handler(auth.require(Role.ADMIN)).handler(...)}); the handler after it finds the
 * {@link Caller} with {@link #caller}. No token or a bad one: 401 with {@code WWW-Authenticate}; a valid token
 * without the role: 403.
 *
 * <p>A verified token is remembered until it expires (at most {@value #CACHE_SIZE} of them), so a client that
 * reuses its token costs one signature check, not one per request.
 */
public final class ApiAuth {
  private static final String CALLER = "orderflow.caller";
  private static final String REALM = "Bearer realm=\"orderflow\"";
  /** The challenge of every 403: the token is valid but does not reach this resource (RFC 6750). */
  public static final String FORBIDDEN_CHALLENGE = REALM + ", error=\"insufficient_scope\"";
  static final int CACHE_SIZE = 10_000;
  private static final int MAX_TOKEN_LENGTH = 8 * 1024;

  private record Verified(Caller caller, long expiresAtMillis) {}

  private final JWTAuth jwt;
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
  /** Per token subject, admins exempt: one customer cannot starve the others. */
  private final RateLimiter perCaller;
  /** Per remote address, for requests without a valid token: a flood of forged tokens stops before their signature checks. */
  private final RateLimiter perAnonymous;
  /** The client's address: the socket's, or X-Forwarded-For's when a trusted proxy (an ingress) sent it. */
  private final ClientAddress clients;

  private ApiAuth(JWTAuth jwt, RateLimiter perCaller, RateLimiter perAnonymous, ClientAddress clients) {
    this.jwt = jwt;
    this.perCaller = perCaller;
    this.perAnonymous = perAnonymous;
    this.clients = clients;
  }

  public static ApiAuth from(Vertx vertx, Settings settings) {
    return new ApiAuth(JWTAuth.create(vertx, JwtKeys.options(settings)), limiter(settings, "http.rate-limit", 100),
        limiter(settings, "http.rate-limit.anonymous", 20), ClientAddress.from(settings));
  }

  /** {@code <prefix>.per-second} requests a second (a fraction is fine), bursts of {@code <prefix>.burst} (twice the rate by default). */
  private static RateLimiter limiter(Settings settings, String prefix, int perSecond) {
    String key = prefix + ".per-second";
    double rate;
    try {
      rate = Double.parseDouble(settings.string(key, String.valueOf(perSecond)));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("setting " + key + " must be a number of requests a second");
    }
    if (!(rate > 0)) throw new IllegalStateException("setting " + key + " must be above 0");
    return new RateLimiter(rate, settings.integer(prefix + ".burst", (int) Math.max(1, Math.ceil(2 * rate))));
  }

  /** For a service started on its own without keys (tests): a random secret nobody knows, so every token is refused. */
  public static ApiAuth refusingAll(Vertx vertx) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new ApiAuth(JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Base64.getEncoder().encodeToString(secret)))),
        new RateLimiter(100, 200), new RateLimiter(20, 40), ClientAddress.from(Settings.of(java.util.Map.of())));
  }

  /** Lets through a caller holding any of {@code roles} (none given: any valid token). */
  public Handler<RoutingContext> require(Role... roles) {
    Set<Role> allowed = allowed(roles);
    return ctx -> {
      String client = client(ctx);
      String address = "addr:" + client;
      long anonymousWait = perAnonymous.waitFor(address);
      if (anonymousWait > 0 && !knownToken(ctx)) {
        RateLimiter.refuse(ctx, anonymousWait, "too many requests without a valid token from " + client);
        return;
      }
      authenticate(ctx).onComplete(ar -> decide(ctx, ar, allowed, address));
    };
  }

  /**
   * A token presented outside an Authorization header (the console's sign-in form): verified like a bearer
   * token and limited like one, per client address, so guessing tokens there is no cheaper than on the API.
   * Fails with a 429, 401 or 403 {@link Problem.Failure}; succeeds with a caller holding one of {@code roles}.
   */
  public Future<SignedIn> signIn(RoutingContext ctx, String token, Role... roles) {
    String client = client(ctx);
    String address = "addr:" + client;
    long wait = perAnonymous.waitFor(address);
    if (wait > 0) return Future.failedFuture(RateLimiter.refusal(ctx, wait, "too many sign-in attempts from " + client).failure());
    Set<Role> allowed = allowed(roles);
    return verified(token == null ? "" : token.trim()).transform(ar -> {
      if (ar.failed()) {
        perAnonymous.take(address);
        return Future.failedFuture(Problem.of(401, "Unauthorized", ar.cause().getMessage()).failure());
      }
      Caller caller = ar.result().caller();
      if (caller.roles().stream().noneMatch(allowed::contains)) {
        return Future.failedFuture(Problem.of(403, "Forbidden", needsRole(allowed)).failure());
      }
      return Future.succeededFuture(new SignedIn(caller, java.time.Instant.ofEpochMilli(ar.result().expiresAtMillis())));
    });
  }

  /** Lets {@code caller} through as if a {@link #require} handler had: for routes authenticated otherwise (a console session). */
  public static void admit(RoutingContext ctx, Caller caller) {
    ctx.put(CALLER, caller);
  }

  /** A caller signed in with a token, and when that token expires. */
  public record SignedIn(Caller caller, java.time.Instant expiresAt) {}

  private static Set<Role> allowed(Role... roles) {
    return roles.length == 0 ? EnumSet.allOf(Role.class) : EnumSet.of(roles[0], roles);
  }

  private static String needsRole(Set<Role> allowed) {
    return "this needs the role " + String.join(" or ", allowed.stream().map(Role::claim).toList());
  }

  /** The request's client: the socket's address, or the forwarded one when a trusted proxy sent it. */
  private String client(RoutingContext ctx) {
    return clients.of(ctx.request().remoteAddress().hostAddress(), forwardedFor(ctx));
  }

  /** Every X-Forwarded-For line, joined: a proxy may add a line of its own rather than extend the client's. */
  private static String forwardedFor(RoutingContext ctx) {
    var lines = ctx.request().headers().getAll("X-Forwarded-For");
    return lines.isEmpty() ? null : String.join(",", lines);
  }

  private void decide(RoutingContext ctx, io.vertx.core.AsyncResult<Caller> ar, Set<Role> allowed, String address) {
    if (ar.failed()) {
      perAnonymous.take(address);
      refuse(ctx, 401, "Unauthorized", ar.cause().getMessage(),
          ctx.request().getHeader("Authorization") == null ? REALM : REALM + ", error=\"invalid_token\"");
      return;
    }
    Caller caller = ar.result();
    long wait = caller.isAdmin() ? 0 : perCaller.take("sub:" + caller.subject());
    if (wait > 0) {
      RateLimiter.refuse(ctx, wait, "more than " + perCaller.describe() + " from " + caller.subject());
    } else if (caller.roles().stream().noneMatch(allowed::contains)) {
      refuse(ctx, 403, "Forbidden", needsRole(allowed),
          FORBIDDEN_CHALLENGE);
    } else {
      ctx.put(CALLER, caller);
      ctx.next();
    }
  }

  /** The request's token was verified before and has not expired: its caller is limited by subject, not address. */
  private boolean knownToken(RoutingContext ctx) {
    String token = bearerToken(ctx.request().getHeader("Authorization"));
    Verified v = token == null ? null : verified.get(token);
    return v != null && v.expiresAtMillis() > System.currentTimeMillis();
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null for any other header or none. */
  private static String bearerToken(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return header.substring(7).trim();
  }

  /** The caller a {@link #require} handler before this one let through. */
  public static Caller caller(RoutingContext ctx) {
    Caller c = ctx.get(CALLER);
    if (c == null) throw new IllegalStateException("route " + ctx.request().path() + " has no auth handler before it");
    return c;
  }

  private Future<Caller> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) return Future.failedFuture("a bearer token is required (Authorization: Bearer <token>)");
    String token = bearerToken(header);
    return token == null ? Future.failedFuture("the Authorization header must be 'Bearer <token>'") : verify(token);
  }

  /** The caller a token names, once its signature, issuer, audience, expiry and roles check out. */
  Future<Caller> verify(String token) {
    return verified(token).map(Verified::caller);
  }

  private Future<Verified> verified(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) return Future.failedFuture("the bearer token is empty or too long");
    long now = System.currentTimeMillis();
    Verified known = verified.get(token);
    if (known != null) {
      if (known.expiresAtMillis() > now) return Future.succeededFuture(known);
      verified.remove(token);
    }
    return jwt.authenticate(new TokenCredentials(token)).transform(ar -> {
      if (ar.failed()) return Future.failedFuture("the bearer token is not valid: " + reason(ar.cause()));
      // Vert.x keeps the verified claims in the user's attributes ("accessToken"); the principal holds the raw token.
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken", ar.result().principal());
      try {
        Verified v = new Verified(callerOf(claims), claims.getLong("exp") * 1000);
        if (verified.size() >= CACHE_SIZE) verified.clear(); // crude but bounded; tokens are few per client
        verified.put(token, v);
        return Future.succeededFuture(v);
      } catch (IllegalArgumentException | ClassCastException e) {
        return Future.failedFuture("the bearer token is not valid: " + e.getMessage());
      }
    });
  }

  /** A refusal a handler throws when the caller's role passes but the resource is not theirs: 403 with the challenge. */
  public static Problem.Failure forbidden(String detail) {
    return Problem.of(403, "Forbidden", detail).failure();
  }

  /** The claims orderflow needs besides the signature, issuer, audience and time, which JWTAuth checked. */
  static Caller callerOf(JsonObject claims) {
    if (!(claims.getValue("exp") instanceof Number)) throw new IllegalArgumentException("it has no expiry (exp)");
    String subject = claims.getString("sub");
    if (subject == null || subject.isBlank() || subject.length() > 128) throw new IllegalArgumentException("it has no subject (sub)");
    if (!(claims.getValue("roles") instanceof JsonArray list)) throw new IllegalArgumentException("it has no roles claim");
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (Object r : list) {
      if (r instanceof String s) Role.fromClaim(s).ifPresent(roles::add);
    }
    if (roles.isEmpty()) throw new IllegalArgumentException("it grants none of the roles customer, admin, auditor");
    return new Caller(subject, roles);
  }

  /** What went wrong, without echoing the token or a stack. */
  private static String reason(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) return t.getClass().getSimpleName();
    return m.length() > 120 ? m.substring(0, 120) : m;
  }

  private static void refuse(RoutingContext ctx, int status, String title, String detail, String challenge) {
    ctx.response().putHeader("WWW-Authenticate", challenge);
    Problem.of(status, title, detail).send(ctx);
  }
}
