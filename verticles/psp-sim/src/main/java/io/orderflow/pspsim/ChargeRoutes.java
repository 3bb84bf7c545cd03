package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.Charge;
import io.orderflow.pspsim.domain.ChargeProcessor;
import io.orderflow.pspsim.domain.ChargeRequest;
import io.orderflow.pspsim.domain.ChargeResult;
import io.orderflow.pspsim.domain.InvalidChargeRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/charges}: turns HTTP into {@link ChargeProcessor} calls and results back into HTTP. */
final class ChargeRoutes {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
  static final int MAX_KEY_LENGTH = 255;

  private static final Logger log = LoggerFactory.getLogger(ChargeRoutes.class);

  private final ChargeProcessor processor;

  ChargeRoutes(ChargeProcessor processor) {
    this.processor = processor;
  }

  /** {@code POST /v1/charges}: validate, charge (or replay), respond. */
  void create(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      Problem.missingIdempotencyKey().send(ctx);
      return;
    }
    ChargeRequest request;
    try {
      request = parse(ctx.body());
    } catch (InvalidChargeRequest e) {
      Problem.invalidRequest(e.getMessage()).send(ctx);
      return;
    }
    respond(ctx, processor.charge(key, request));
  }

  /** {@code GET /v1/charges?idempotencyKey=K}: the charge attempt made for a key, so clients can resolve unknown outcomes. */
  void findByIdempotencyKey(RoutingContext ctx) {
    String key = ctx.queryParams().get("idempotencyKey");
    if (key == null || key.isBlank()) {
      Problem.invalidRequest("the idempotencyKey query parameter is required").send(ctx);
      return;
    }
    processor.chargeFor(key).ifPresentOrElse(
        charge -> ctx.json(toJson(charge)),
        () -> Problem.noChargeForKey(key).send(ctx));
  }

  private static void respond(RoutingContext ctx, ChargeResult result) {
    switch (result) {
      case ChargeResult.Attempted(Charge charge) -> {
        log.debug("charge {} for key {}: {} {} {}", charge.id(), charge.idempotencyKey(), outcome(charge),
            charge.amountCents(), charge.currency());
        send(ctx, charge);
      }
      case ChargeResult.Replayed(Charge charge) -> {
        log.debug("replayed charge {} for key {}: {}", charge.id(), charge.idempotencyKey(), outcome(charge));
        ctx.response().putHeader(IDEMPOTENT_REPLAYED, "true");
        send(ctx, charge);
      }
      case ChargeResult.KeyReused(String key) -> {
        log.debug("key {} reused with different parameters: rejected", key);
        Problem.idempotencyKeyReused(key).send(ctx);
      }
    }
  }

  private static void send(RoutingContext ctx, Charge charge) {
    ctx.response().setStatusCode(charge.succeeded() ? 201 : 402);
    ctx.json(toJson(charge));
  }

  static JsonObject toJson(Charge charge) {
    JsonObject json = new JsonObject()
        .put("id", charge.id())
        .put("status", outcome(charge))
        .put("amountCents", charge.amountCents())
        .put("currency", charge.currency())
        .put("idempotencyKey", charge.idempotencyKey());
    return charge.succeeded() ? json : json.put("declineCode", charge.declineCode());
  }

  private static String outcome(Charge charge) {
    return charge.succeeded() ? "succeeded" : "declined";
  }

  private static ChargeRequest parse(RequestBody body) {
    Object decoded;
    try {
      decoded = body.isEmpty() ? null : Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      decoded = null; // not JSON at all
    }
    if (!(decoded instanceof JsonObject json)) {
      throw new InvalidChargeRequest("the body must be a JSON object");
    }
    // Jackson gives Integer or Long for integral numbers; decimals, strings and huge values are not amounts.
    Object amount = json.getValue("amountCents");
    if (!(amount instanceof Integer || amount instanceof Long)) {
      throw new InvalidChargeRequest("amountCents must be a positive integer");
    }
    return ChargeRequest.of(((Number) amount).longValue(), text(json, "currency"), text(json, "token"),
        text(json, "description"));
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new InvalidChargeRequest(field + " must be a string");
    }
    return (String) value;
  }
}
