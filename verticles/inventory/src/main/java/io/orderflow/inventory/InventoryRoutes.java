package io.orderflow.inventory;

import io.orderflow.codecs.Currency;
import io.orderflow.codecs.Ids;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.http.PublicApi;
import io.vertx.core.json.JsonObject;
import io.orderflow.runtime.http.ApiContract;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.security.Role;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code PUT /inventory/{sku}} sets price and available quantity; {@code GET} shows the stock level. */
final class InventoryRoutes {
  private final StockAdmin admin;
  private final LedgerVerticle ledger;
  private final String currency;

  InventoryRoutes(StockAdmin admin, LedgerVerticle ledger, String currency) {
    this.admin = admin;
    this.ledger = ledger;
    this.currency = currency;
  }

  void mount(Router router, ApiAuth auth, ApiContract contract) {
    router.put("/inventory/:sku").handler(auth.require(Role.ADMIN)).handler(contract.validate("setStock")).handler(this::put);
    router.get("/inventory/:sku").handler(auth.require()).handler(contract.validate("getStock")).handler(this::get);
  }

  private void put(RoutingContext ctx) {
    String sku = sku(ctx);
    JsonObject body = ctx.body().asJsonObject();
    if (body == null) throw Problem.badRequest("a JSON object body is required: {\"priceCents\":1999,\"available\":10}").failure();
    long price = nonNegative(body, "priceCents");
    // A zero price would make a zero charge, which gateways refuse: free items are not sold through the pipeline.
    if (price == 0) throw Problem.badRequest("priceCents must be a positive integer").failure();
    long available = nonNegative(body, "available");
    String cur = body.getValue("currency") instanceof String c ? c : currency;
    try {
      Currency.require(cur);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("currency must be an ISO 4217 code such as EUR").failure();
    }
    Object name = body.getValue("name");
    CatalogEntry entry = new CatalogEntry(sku, name instanceof String s ? s : null, price, cur, body.getBoolean("active", true));
    admin.set(entry, available, ApiAuth.caller(ctx).subject(), PublicApi.traceparent(ctx))
        .compose(v -> ledger.level(sku))
        .onSuccess(level -> json(ctx, 200, view(entry, level.orElseThrow())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String sku = sku(ctx);
    admin.catalogEntry(sku).compose(entry -> ledger.level(sku).map(level -> {
      if (entry.isEmpty() || level.isEmpty()) throw Problem.notFound("unknown SKU " + sku).failure();
      return view(entry.get(), level.get());
    })).onSuccess(view -> json(ctx, 200, view)).onFailure(ctx::fail);
  }

  private static JsonObject view(CatalogEntry entry, io.orderflow.inventory.domain.StockLevel level) {
    JsonObject view = new JsonObject().put("sku", entry.sku());
    if (entry.name() != null) view.put("name", entry.name());
    return view.put("priceCents", entry.priceCents()).put("currency", entry.currency()).put("active", entry.active())
        .put("available", level.available()).put("reserved", level.reserved()).put("sold", level.sold());
  }

  private static String sku(RoutingContext ctx) {
    String sku = ctx.pathParam("sku");
    if (!Ids.isSku(sku)) throw Problem.badRequest("a SKU is 1-64 letters, digits, '-' or '_'").failure();
    return sku;
  }

  private static long nonNegative(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
      throw Problem.badRequest(field + " must be a non-negative integer").failure();
    }
    return ((Number) v).longValue();
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
