package io.orderflow.orders;

import io.orderflow.orders.domain.OrderView;
import io.orderflow.orders.domain.PlaceOrder;
import io.orderflow.orders.http.OrderRoutes;
import io.orderflow.orders.console.Console;
import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.http.ManagementRoutes;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Orders: the HTTP API, OrderPlaced, the order projection and the saga's end (confirm or cancel, also on a dead
 * letter), and the operations console on the management port.
 */
public final class OrdersService implements OrderflowService {
  private volatile ManagementRoutes console;

  @Override
  public String name() {
    return "orders";
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    ctx.requires(List.of(Topology.ORDERS, Topology.INVENTORY, Topology.PAYMENTS, Topology.NOTIFICATIONS, Topology.DLQ,
            Topology.PAYMENT_TOKENS, Topology.CONTACTS),
        List.of(Topology.ORDERS_REJECTED, Topology.ORDERS_PAYMENTS, Topology.ORDERS_DLQ),
        List.of(Topology.CATALOG, Topology.ORDERS_VIEW));
    OrderPlacement.HandOffTtls ttls;
    try {
      ttls = OrderPlacement.HandOffTtls.from(ctx.settings());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    var projection = new OrderProjection(ctx.bridge());
    var metrics = new OrderMetrics(ctx.telemetry().meters());
    var catalog = new CatalogView(ctx.bridge());
    ctx.onStop(catalog::stop);
    var placement = new OrderPlacement(ctx.bridge(), catalog, projection, ctx.settings().duration("orders.idempotency-ttl", Duration.ofHours(24)),
        ttls, metrics);
    var reader = new OrderReader(ctx.bridge());
    var timelines = new TimelineReader(ctx.bridge(), reader);
    new OrderRoutes(new OrderRoutes.Orders() {
      public Future<String> place(PlaceOrder request, String key, String traceparent) {
        return placement.place(request, key, traceparent).map(OrderPlacement.Accepted::orderId);
      }

      public Future<Optional<OrderView>> order(String orderId) {
        return reader.order(orderId);
      }

      public Future<OrderProjection.Page> ofCustomer(String customerId, int limit, long before) {
        return projection.ofCustomer(customerId, limit, before);
      }

      public Future<List<io.orderflow.codecs.Envelope>> events(String orderId) {
        return reader.events(orderId);
      }

      public Future<Optional<io.vertx.core.json.JsonObject>> timeline(String orderId) {
        return timelines.timeline(orderId);
      }
    }, ctx.settings().integer("orders.max-lines", 50)).mount(ctx.publicRouter(), ctx.auth(), ctx.contract());
    var ending = new OrderEnding(ctx.bridge(), projection, metrics);
    var saga = new SagaHandler(ending);
    return catalog.start().compose(loaded -> Future.all(ctx.consume(Topology.ORDERS_REJECTED, saga), ctx.consume(Topology.ORDERS_PAYMENTS, saga),
        ctx.consumeDeadLetters(Topology.ORDERS_DLQ, new DeadLetteredOrders(ending))))
        .compose(v -> Console.start(ctx, timelines::timeline))
        .onSuccess(routes -> console = routes)
        .mapEmpty();
  }

  /** The operations console at {@code /console} on this process's management port. */
  @Override
  public List<ManagementRoutes> managementRoutes() {
    return console == null ? List.of() : List.of(console);
  }
}
