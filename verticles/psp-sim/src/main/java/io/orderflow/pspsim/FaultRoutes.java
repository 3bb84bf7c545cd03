package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.FaultMode;
import io.orderflow.pspsim.domain.FaultSettings;
import io.orderflow.pspsim.domain.InvalidFaultSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code /admin/faults}: shows and replaces the {@link FaultSettings} the {@code /v1} API runs under. */
final class FaultRoutes {

  private static final List<String> SETTINGS = List.of("mode", "latencyMs", "errorRate", "seed", "idempotency");

  private final FaultInjector faults;

  FaultRoutes(FaultInjector faults) {
    this.faults = faults;
  }

  /** {@code GET /admin/faults}. */
  void show(RoutingContext ctx) {
    ctx.json(toJson(faults.settings()));
  }

  /** {@code POST /admin/faults}: replaces every setting; the ones left out take their defaults. */
  void configure(RoutingContext ctx) {
    FaultSettings settings;
    try {
      settings = parse(ctx.body());
    } catch (InvalidFaultSettings e) {
      Problem.invalidRequest(e.getMessage()).send(ctx);
      return;
    }
    faults.configure(settings);
    ctx.json(toJson(settings));
  }

  static JsonObject toJson(FaultSettings settings) {
    return new JsonObject()
        .put("mode", settings.mode().code())
        .put("latencyMs", settings.latencyMs())
        .put("errorRate", settings.errorRate())
        .put("seed", settings.seed())
        .put("idempotency", settings.idempotency());
  }

  private static FaultSettings parse(RequestBody body) {
    Object decoded;
    try {
      decoded = body.isEmpty() ? null : Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      decoded = null; // not JSON at all
    }
    if (!(decoded instanceof JsonObject json)) {
      throw new InvalidFaultSettings("body", "the body must be a JSON object such as {\"mode\":\"down\"}");
    }
    for (String field : json.fieldNames()) {
      if (!SETTINGS.contains(field)) {
        throw new InvalidFaultSettings(field, "unknown setting '" + field + "'; the settings are " + SETTINGS);
      }
    }
    return FaultSettings.of(
        typed(json, "mode", String.class, "mode must be one of " + FaultMode.knownCodes()),
        integer(json, "latencyMs", "latencyMs must be an integer from 0 to " + FaultSettings.MAX_LATENCY_MS),
        rate(json),
        integer(json, "seed", "seed must be an integer"),
        typed(json, "idempotency", Boolean.class, "idempotency must be true or false"));
  }

  /** A setting's value, {@code null} when absent or null; a value of another type breaks the rule in {@code detail}. */
  private static <T> T typed(JsonObject json, String field, Class<T> type, String detail) {
    Object value = json.getValue(field);
    if (value != null && !type.isInstance(value)) {
      throw new InvalidFaultSettings(field, detail);
    }
    return type.cast(value);
  }

  private static Long integer(JsonObject json, String field, String detail) {
    // Jackson gives Integer or Long for integral numbers; decimals, strings and huge values are not integers.
    Object value = json.getValue(field);
    if (value != null && !(value instanceof Integer || value instanceof Long)) {
      throw new InvalidFaultSettings(field, detail);
    }
    return value == null ? null : ((Number) value).longValue();
  }

  private static Double rate(JsonObject json) {
    Number rate = typed(json, "errorRate", Number.class, "errorRate must be a number from 0 to 1");
    return rate == null ? null : rate.doubleValue();
  }
}
