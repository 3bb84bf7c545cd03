package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.Charge;
import io.orderflow.pspsim.domain.ChargeProcessor;
import io.orderflow.pspsim.domain.ChargeRequest;
import io.orderflow.pspsim.domain.ChargeResult;
import io.orderflow.pspsim.domain.FaultPolicy.Operation;
import io.orderflow.pspsim.domain.InvalidChargeRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/charges}: turns HTTP into {@link ChargeProcessor} calls and results back into HTTP, under the faults. */
final class ChargeRoutes {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
  static final int MAX_KEY_LENGTH = 255;

  private static final Logger log = LoggerFactory.getLogger(ChargeRoutes.class);

  private final ChargeProcessor processor;
  private final FaultInjector faults;

  ChargeRoutes(ChargeProcessor processor, FaultInjector faults) {
    this.processor = processor;
    this.faults = faults;
  }

  /** {@code POST /v1/charges}: validate, charge (or replay), respond. */
  void create(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    faults.apply(ctx, Operation.WRITE, () -> charge(key, ctx.body()), () -> {
      if (usable(key)) {
        processor.requestRefused(key);
      }
    });
  }

  /** {@code GET /v1/charges?idempotencyKey=K}: the charge made for a key, so clients can resolve unknown outcomes. */
  void findByIdempotencyKey(RoutingContext ctx) {
    faults.apply(ctx, Operation.READ, () -> lookup(ctx.queryParams().get("idempotencyKey")));
  }

  private Reply charge(String key, RequestBody body) {
    if (!usable(key)) {
      return Problem.missingIdempotencyKey()::send;
    }
    ChargeRequest request;
    try {
      request = parse(body);
    } catch (InvalidChargeRequest e) {
      return (e.badToken() ? Problem.invalidPaymentToken(e.getMessage()) : Problem.invalidRequest(e.getMessage()))::send;
    }
    return reply(faults.honoursIdempotencyKey()
        ? processor.charge(key, request)
        : processor.chargeIgnoringKey(key, request));
  }

  private Reply lookup(String key) {
    if (key == null || key.isBlank()) {
      return Problem.invalidRequest("the idempotencyKey query parameter is required")::send;
    }
    return processor.chargeFor(key)
        .<Reply>map(charge -> {
          JsonObject json = toJson(charge);
          return ctx -> ctx.json(json);
        })
        .orElseGet(() -> Problem.noChargeForKey(key)::send);
  }

  private Reply reply(ChargeResult result) {
    return switch (result) {
      case ChargeResult.Attempted(Charge charge) -> {
        log.debug("charge {} for key {}: {} {} {}", charge.id(), charge.idempotencyKey(), status(charge),
            charge.amountCents(), charge.currency());
        yield send(charge);
      }
      case ChargeResult.Replayed(Charge charge) -> {
        log.debug("replayed charge {} for key {}: {}", charge.id(), charge.idempotencyKey(), status(charge));
        Reply send = send(charge);
        yield ctx -> {
          ctx.response().putHeader(IDEMPOTENT_REPLAYED, "true");
          send.send(ctx);
        };
      }
      case ChargeResult.KeyReused(String key) -> {
        log.debug("key {} reused with different parameters: rejected", key);
        yield Problem.idempotencyKeyReused(key)::send;
      }
    };
  }

  private Reply send(Charge charge) {
    JsonObject json = toJson(charge);
    return ctx -> {
      ctx.response().setStatusCode(charge.succeeded() ? 201 : 402);
      ctx.json(json);
    };
  }

  private JsonObject toJson(Charge charge) {
    return toJson(charge, status(charge));
  }

  /** A charge as the API shows it, with its current status: succeeded, declined or voided. */
  static JsonObject toJson(Charge charge, String status) {
    JsonObject json = new JsonObject()
        .put("id", charge.id())
        .put("status", status)
        .put("amountCents", charge.amountCents())
        .put("currency", charge.currency())
        .put("idempotencyKey", charge.idempotencyKey());
    return charge.succeeded() ? json : json.put("declineCode", charge.declineCode());
  }

  private String status(Charge charge) {
    if (!charge.succeeded()) {
      return "declined";
    }
    return processor.isVoided(charge) ? "voided" : "succeeded";
  }

  private static boolean usable(String key) {
    return key != null && !key.isBlank() && key.length() <= MAX_KEY_LENGTH;
  }

  private static ChargeRequest parse(RequestBody body) {
    Object decoded;
    try {
      decoded = body.isEmpty() ? null : Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      decoded = null; // not JSON at all
    }
    if (!(decoded instanceof JsonObject json)) {
      throw new InvalidChargeRequest(null, "the body must be a JSON object");
    }
    // Jackson gives Integer or Long for integral numbers; decimals, strings and huge values are not amounts.
    Object amount = json.getValue("amountCents");
    if (!(amount instanceof Integer || amount instanceof Long)) {
      throw new InvalidChargeRequest("amountCents", "amountCents must be a positive integer");
    }
    return ChargeRequest.of(((Number) amount).longValue(), text(json, "currency"), text(json, "token"),
        text(json, "description"));
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new InvalidChargeRequest(field, field + " must be a string");
    }
    return (String) value;
  }
}
