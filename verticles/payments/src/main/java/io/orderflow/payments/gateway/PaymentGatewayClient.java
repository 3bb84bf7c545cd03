package io.orderflow.payments.gateway;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.orderflow.payments.domain.ChargeRequest;
import io.orderflow.runtime.telemetry.HttpAttributes;
import io.orderflow.runtime.telemetry.Tracing;
import io.orderflow.payments.domain.ChargeResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;

/**
 * The payment gateway's charge API ({@code POST /v1/charges}, Stripe-like). Every call carries
 * {@code Idempotency-Key: <orderId>}, so a call that timed out here but charged at the gateway is replayed,
 * not repeated, when it is retried. 201 is an authorization, 402 a decline and a 4xx problem of type
 * {@code …:invalid-payment-token} a refused token (all results); anything else is a {@link GatewayFailure}. This one method is the seam where the circuit breaker wraps the gateway.
 * Every call is a CLIENT span of the handling it belongs to, and carries its {@code traceparent} to the gateway.
 */
public final class PaymentGatewayClient {
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String CHARGES_PATH = "/v1/charges";
  /** The problem type (RFC 9457) of a refused payment token: malformed or unknown, a 4xx that is not a decline. */
  static final String INVALID_TOKEN_TYPE = ":invalid-payment-token";

  static final int MAX_IN_FLIGHT = 32;

  private final WebClient client;
  private final java.util.ArrayDeque<Runnable> waiting = new java.util.ArrayDeque<>();
  private int inFlight;
  private final String chargesUrl;
  private final long timeoutMillis;
  private final Tracing tracing;

  public PaymentGatewayClient(Vertx vertx, String baseUrl, Duration timeout, Tracing tracing) {
    this.tracing = tracing;
    this.timeoutMillis = timeout.toMillis();
    this.chargesUrl = baseUrl.replaceAll("/+$", "") + CHARGES_PATH;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("orderflow-payments")
        .setConnectTimeout((int) Math.min(timeoutMillis, Integer.MAX_VALUE)),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(MAX_IN_FLIGHT));
  }

  private static <T> Future<T> started(java.util.function.Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * At most as many calls in flight as the pool has connections; the rest wait here, not in the
   * client's pool: Vert.x 5.0.7's pool can complete a waiter twice when its timeout fires while it waits
   * (eclipse-vertx/vert.x#6169) and then leaks the connection, until no call gets one any more.
   */
  private <T> Future<T> limited(java.util.function.Supplier<Future<T>> call) {
    io.vertx.core.Promise<T> result = io.vertx.core.Promise.promise();
    Runnable start = () -> started(call).onComplete(ar -> {
      Runnable next;
      synchronized (waiting) {
        next = waiting.poll();
        if (next == null) inFlight--;
      }
      if (next != null) next.run();
      result.handle(ar);
    });
    boolean now;
    synchronized (waiting) {
      now = inFlight < MAX_IN_FLIGHT;
      if (now) inFlight++;
      else waiting.add(start);
    }
    if (now) start.run();
    return result.future();
  }

  /**
   * One gateway call as a CLIENT span, started when the call really goes out (not while it waits for a slot),
   * with the span's {@code traceparent} on the request.
   */
  private Future<HttpResponse<Buffer>> traced(String method, String template, String parent,
                                              java.util.function.Function<String, Future<HttpResponse<Buffer>>> call) {
    return limited(() -> {
      Span span = tracing.startClient(method + " " + template, parent).setAttribute(HttpAttributes.METHOD, method)
          .setAttribute(HttpAttributes.URL_TEMPLATE, template);
      Future<HttpResponse<Buffer>> f;
      try {
        f = call.apply(Tracing.traceparent(span));
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      return f.onComplete(ar -> {
        if (ar.succeeded()) {
          span.setAttribute(HttpAttributes.STATUS, (long) ar.result().statusCode());
          if (ar.result().statusCode() >= 500) span.setStatus(StatusCode.ERROR);
        } else {
          span.recordException(ar.cause()).setStatus(StatusCode.ERROR);
        }
        span.end();
      });
    });
  }

  private static io.vertx.ext.web.client.HttpRequest<Buffer> withTrace(io.vertx.ext.web.client.HttpRequest<Buffer> request, String traceparent) {
    return traceparent == null ? request : request.putHeader(Tracing.TRACEPARENT, traceparent);
  }

  public Future<ChargeResult> charge(ChargeRequest request, String traceparent) {
    JsonObject body = new JsonObject()
        .put("amountCents", request.amountCents())
        .put("currency", request.currency())
        .put("token", request.token())
        .put("description", request.description());
    return traced("POST", CHARGES_PATH, traceparent, tp -> withTrace(client.postAbs(chargesUrl), tp)
        .putHeader(IDEMPOTENCY_KEY, request.orderId())
        .timeout(timeoutMillis) // no response within the timeout: fail and close the connection
        .sendJsonObject(body))
        .recover(e -> Future.failedFuture(GatewayFailure.outage("gateway call failed: " + e, 0, e)))
        .compose(PaymentGatewayClient::result);
  }

  /**
   * The gateway's record of the charge made under this order's key, if any: how an unknown outcome is
   * resolved without charging again (404 means the gateway never charged for this order).
   */
  public Future<java.util.Optional<ChargeResult>> lookup(String orderId, String traceparent) {
    return traced("GET", CHARGES_PATH, traceparent, tp -> withTrace(client.getAbs(chargesUrl), tp)
        .addQueryParam("idempotencyKey", orderId)
        .timeout(timeoutMillis)
        .send())
        .recover(e -> Future.failedFuture(GatewayFailure.outage("gateway lookup failed: " + e, 0, e)))
        .compose(response -> {
          if (response.statusCode() == 404) return Future.succeededFuture(java.util.Optional.empty());
          JsonObject json = json(response);
          if (response.statusCode() == 200 && json != null && "voided".equals(json.getString("status")) && json.getString("id") != null) {
            // The charge happened (and was taken back since): report it, so voiding again is a no-op.
            return Future.succeededFuture(java.util.Optional.of(new ChargeResult.Authorized(json.getString("id"))));
          }
          if (response.statusCode() == 200 && json != null && "declined".equals(json.getString("status"))) {
            String code = json.getString("declineCode");
            return Future.succeededFuture(java.util.Optional.of(new ChargeResult.Declined(code == null ? "declined" : code)));
          }
          return result(response).map(java.util.Optional::of);
        });
  }

  /** Takes a charge back ({@code POST /v1/charges/{id}/void}); voiding twice is harmless. */
  public Future<Void> voidCharge(String chargeId, String traceparent) {
    return traced("POST", CHARGES_PATH + "/{id}/void", traceparent, tp -> withTrace(client.postAbs(chargesUrl + "/" + chargeId + "/void"), tp)
        .timeout(timeoutMillis)
        .send())
        .recover(e -> Future.failedFuture(GatewayFailure.outage("gateway void failed: " + e, 0, e)))
        .compose(response -> {
          int status = response.statusCode();
          if (status == 200 || status == 201) return Future.<Void>succeededFuture();
          if (status >= 500 || status == 429) return Future.failedFuture(GatewayFailure.outage("gateway answered " + status, status, null));
          return Future.failedFuture(GatewayFailure.rejected("gateway refused to void " + chargeId + ": " + status, status));
        });
  }

  private static Future<ChargeResult> result(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 500 || status == 429) {
      return Future.failedFuture(GatewayFailure.outage("gateway answered " + status, status, null));
    }
    JsonObject json = json(response);
    if ((status == 200 || status == 201) && json != null && "succeeded".equals(json.getString("status"))
        && json.getString("id") != null) {
      return Future.succeededFuture(new ChargeResult.Authorized(json.getString("id")));
    }
    if (status == 402) {
      String code = json == null ? null : json.getString("declineCode");
      return Future.succeededFuture(new ChargeResult.Declined(code == null ? "declined" : code));
    }
    if (status >= 400 && status < 500 && json != null && String.valueOf(json.getString("type")).endsWith(INVALID_TOKEN_TYPE)) {
      // The customer's token, not our request: the order ends, it is not retried or dead-lettered.
      return Future.succeededFuture(new ChargeResult.InvalidToken(json.getString("detail", "invalid payment token")));
    }
    String detail = json == null ? "" : ": " + json.getString("detail", json.encode());
    return Future.failedFuture(GatewayFailure.rejected("gateway rejected the charge with " + status + detail, status));
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    try {
      Object value = response.body() == null ? null : response.body().toJsonValue();
      return value instanceof JsonObject o ? o : null;
    } catch (DecodeException | ClassCastException e) {
      return null; // not JSON: treated as an unexpected answer
    }
  }

  public void close() {
    client.close();
  }
}
