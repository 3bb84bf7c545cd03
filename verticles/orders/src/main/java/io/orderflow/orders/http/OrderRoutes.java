package io.orderflow.orders.http;

import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.http.ApiContract;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.http.PublicApi;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.security.Caller;
import io.orderflow.runtime.security.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/** The order API: place, read, list by customer, and an order's events. */
public final class OrderRoutes {
  /** What the routes need from the service, so HTTP stays free of NATS details. */
  public interface Orders {
    Future<String> place(io.orderflow.orders.domain.PlaceOrder request, String idempotencyKey, String traceparent);

    Future<Optional<OrderView>> order(String orderId);

    /** A page of the customer's orders below the cursor {@code before} (0: the newest). */
    Future<io.orderflow.orders.OrderProjection.Page> ofCustomer(String customerId, int limit, long before);

    Future<List<io.orderflow.codecs.Envelope>> events(String orderId);

    Future<Optional<JsonObject>> timeline(String orderId);
  }

  private static final int MAX_PAGE = 100;
  private final Orders orders;
  private final OrderRequestParser parser;

  public OrderRoutes(Orders orders, int maxLines) {
    this.orders = orders;
    this.parser = new OrderRequestParser(maxLines);
  }

  public void mount(Router router, ApiAuth auth, ApiContract contract) {
    router.post("/orders").handler(auth.require(Role.CUSTOMER, Role.ADMIN)).handler(contract.validate("placeOrder")).handler(this::place);
    router.get("/orders").handler(auth.require(Role.CUSTOMER, Role.ADMIN)).handler(contract.validate("listOrders")).handler(this::list);
    // Any valid token gets this far; another customer's order then answers 404, as a missing one does.
    router.get("/orders/:id").handler(auth.require()).handler(contract.validate("getOrder")).handler(this::get);
    router.get("/orders/:id/events").handler(auth.require()).handler(contract.validate("getOrderEvents")).handler(this::events);
    router.get("/orders/:id/timeline").handler(auth.require()).handler(contract.validate("getOrderTimeline")).handler(this::timeline);
  }

  private void place(RoutingContext ctx) {
    var request = parser.parse(ctx.body());
    if (!ApiAuth.caller(ctx).mayPlaceFor(request.customerId())) {
      throw ApiAuth.forbidden("a customer places orders for its own customerId only");
    }
    String key = ctx.request().getHeader("Idempotency-Key");
    // Checked here too: Vert.x's validator leaves header parameters alone. The key becomes part of a NATS message id.
    if (key != null && (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw Problem.badRequest("Idempotency-Key must be 1-255 printable ASCII characters").failure();
    }
    orders.place(request, key, PublicApi.traceparent(ctx)).onSuccess(orderId -> ctx.response()
            .setStatusCode(202)
            .putHeader("Location", "/orders/" + orderId)
            .putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("orderId", orderId).put("status", "PENDING").encode()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = orderId(ctx);
    orders.order(id).onSuccess(view -> {
      if (view.isEmpty() || !ApiAuth.caller(ctx).mayRead(view.get().customerId())) Problem.notFound("no order " + id).send(ctx);
      else json(ctx, io.orderflow.orders.OrderProjection.toJson(view.get()));
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String customerId = ctx.queryParams().get("customerId");
    if (!Ids.isCustomerId(customerId)) throw Problem.badRequest("customerId query parameter is required (1-64 letters, digits, '-' or '_')").failure();
    if (!ApiAuth.caller(ctx).mayRead(customerId)) throw ApiAuth.forbidden("a customer lists its own orders only");
    int limit = intParam(ctx, "limit", 20, 1, MAX_PAGE);
    // Pages follow the cursor in `next`: counting an offset (or a total) would read every order of the customer.
    if (ctx.queryParams().contains("offset") && !"0".equals(ctx.queryParams().get("offset"))) {
      throw Problem.badRequest("offset is not supported: follow the page's next link (before=<cursor>)").failure();
    }
    long before = longParam(ctx, "before");
    orders.ofCustomer(customerId, limit, before).onSuccess(result -> {
      JsonArray page = new JsonArray();
      result.orders().forEach(v -> page.add(io.orderflow.orders.OrderProjection.toJson(v)));
      JsonObject body = new JsonObject().put("customerId", customerId).put("limit", limit).put("orders", page);
      if (result.next() > 0) body.put("next", "/orders?customerId=" + customerId + "&limit=" + limit + "&before=" + result.next());
      json(ctx, body);
    }).onFailure(ctx::fail);
  }

  private void events(RoutingContext ctx) {
    String id = orderId(ctx);
    owned(ctx, id).compose(mine -> mine ? orders.events(id) : Future.succeededFuture(List.<io.orderflow.codecs.Envelope>of())).onSuccess(events -> {
      if (events.isEmpty()) {
        Problem.notFound("no order " + id).send(ctx);
        return;
      }
      JsonArray body = new JsonArray();
      events.forEach(e -> body.add(new JsonObject(EventCodec.toJson(e).toString())));
      ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }).onFailure(ctx::fail);
  }

  private void timeline(RoutingContext ctx) {
    String id = orderId(ctx);
    owned(ctx, id).compose(mine -> mine ? orders.timeline(id) : Future.succeededFuture(Optional.<JsonObject>empty())).onSuccess(timeline -> {
      if (timeline.isEmpty()) Problem.notFound("no order " + id).send(ctx);
      else json(ctx, timeline.get());
    }).onFailure(ctx::fail);
  }

  /** Whether the caller may see the order: an admin always (without a read), a customer if it is theirs. */
  private Future<Boolean> owned(RoutingContext ctx, String orderId) {
    Caller caller = ApiAuth.caller(ctx);
    if (caller.isAdmin()) return Future.succeededFuture(true);
    return orders.order(orderId).map(view -> view.isPresent() && caller.mayRead(view.get().customerId()));
  }

  private static String orderId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isOrderId(id)) throw Problem.notFound("no order " + id).failure();
    return id;
  }

  private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null) return dflt;
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(name + " must be an integer between " + min + " and " + max).failure();
  }

  /** A cursor: a positive integer, or 0 when absent. */
  private static long longParam(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null) return 0;
    try {
      long n = Long.parseLong(v);
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(name + " must be a cursor from a page's next link").failure();
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
