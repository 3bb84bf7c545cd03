package io.orderflow.pspsim;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orderflow.pspsim.domain.FaultMode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An RFC 9457 problem detail: every error this server sends is one of these. */
record Problem(String type, String title, int status, String detail) {

  static final String MEDIA_TYPE = "application/problem+json";

  private static final Logger log = LoggerFactory.getLogger(Problem.class);
  private static final String TYPE_PREFIX = "urn:orderflow:psp-sim:problem:";

  static Problem missingIdempotencyKey() {
    return new Problem(TYPE_PREFIX + "missing-idempotency-key", "Missing idempotency key", 400,
        "the Idempotency-Key header is required and must be at most " + ChargeRoutes.MAX_KEY_LENGTH + " characters");
  }

  static Problem invalidRequest(String detail) {
    return new Problem(TYPE_PREFIX + "invalid-request", "Invalid request", 400, detail);
  }

  /** The payment token is malformed or unknown: the customer's input, not a decline and not the client's bug. */
  static Problem invalidPaymentToken(String detail) {
    return new Problem(TYPE_PREFIX + "invalid-payment-token", "Invalid payment token", 400, detail);
  }

  static Problem idempotencyKeyReused(String key) {
    return new Problem(TYPE_PREFIX + "idempotency-key-reused", "Idempotency key reused", 409,
        "key '" + key + "' was first used with a different amountCents, currency or token");
  }

  static Problem noChargeForKey(String key) {
    return new Problem(TYPE_PREFIX + "no-charge", "No charge for idempotency key", 404,
        "no charge was made with idempotency key '" + key + "'");
  }

  static Problem unknownCharge(String chargeId) {
    return new Problem(TYPE_PREFIX + "unknown-charge", "Unknown charge", 404, "no charge has id '" + chargeId + "'");
  }

  static Problem chargeNotVoidable(String chargeId) {
    return new Problem(TYPE_PREFIX + "charge-not-voidable", "Charge not voidable", 409,
        "charge '" + chargeId + "' was declined: no money moved, so there is nothing to void");
  }

  static Problem adminDisabled() {
    return new Problem(TYPE_PREFIX + "admin-disabled", "Admin API disabled", 403,
        "psp-sim was started without an admin secret: set ORDERFLOW_PSP_ADMIN_SECRET (psp.admin-secret) to use /admin/*");
  }

  static Problem adminUnauthorized(boolean missing) {
    return new Problem(TYPE_PREFIX + "admin-unauthorized", "Unauthorized", 401,
        missing ? "/admin/* needs Authorization: Bearer <psp-sim admin secret>" : "the admin secret does not match");
  }

  /** What every {@code /v1} request gets while a fault makes the gateway refuse it. */
  static Problem unavailable(FaultMode mode) {
    return new Problem(TYPE_PREFIX + "unavailable", "Gateway unavailable", 503,
        "psp-sim is injecting the fault '" + mode.code() + "': nothing was done, retry later");
  }

  /** A plain HTTP error with no meaning beyond its status code (RFC 9457 "about:blank"). */
  static Problem ofStatus(int status) {
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
    return new Problem("about:blank", reason, status, reason);
  }

  /** The router's failure and error handler: unmatched routes, oversized bodies, bugs. */
  static void renderFailure(RoutingContext ctx) {
    int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    if (status >= 500) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    ofStatus(status).send(ctx);
  }

  void send(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", MEDIA_TYPE)
        .end(toJson().encode());
  }

  JsonObject toJson() {
    return new JsonObject().put("type", type).put("title", title).put("status", status).put("detail", detail);
  }
}
