package io.orderflow.inventory;

import io.orderflow.runtime.Lease;
import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Topology;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inventory: owns stock and the catalog. Every instance folds the INVENTORY stream into its ledger and
 * serves the stock API; the instance holding the {@code inventory} lease consumes order events and writes
 * reservations (one writer, fenced by the stream's expected last sequence).
 */
public final class InventoryService implements OrderflowService {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryService.class);

  @Override
  public String name() {
    return "inventory";
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    ctx.requires(List.of(Topology.INVENTORY, Topology.ORDERS), List.of(Topology.INVENTORY_ORDERS),
        List.of(Topology.CATALOG, Topology.LEASES));
    var ledger = new LedgerVerticle(ctx.bridge(), ctx.settings().integer("inventory.remembered-orders", 1_000_000));
    var admin = new StockAdmin(ctx.bridge(), ledger);
    ctx.readiness().add("inventory:ledger", () -> ledger.caughtUp()
        ? Future.succeededFuture() : Future.failedFuture("ledger still replaying the INVENTORY stream"));
    new InventoryRoutes(admin, ledger, ctx.settings().string("catalog.currency", "EUR")).mount(ctx.publicRouter());
    return ctx.vertx().deployVerticle(ledger).compose(id -> {
      var writer = new LeaderOnly(ctx, new OrderEventsHandler(ledger));
      var lease = new Lease(ctx.bridge(), "inventory", ctx.instanceId(), writer::leadership);
      ctx.vertx().runOnContext(v -> lease.start());
      return ctx.settings().find("catalog.seed")
          .map(seed -> CatalogSeed.loadIfEmpty(admin, ctx.bridge(), Path.of(seed)))
          .orElse(Future.succeededFuture())
          .onSuccess(v -> LOG.info("inventory ready: lease holder consumes order events"));
    });
  }

  /** Runs the order-events consumer only while this instance holds the lease. */
  private static final class LeaderOnly {
    private final ServiceContext ctx;
    private final OrderEventsHandler handler;
    private Future<String> deployment;

    LeaderOnly(ServiceContext ctx, OrderEventsHandler handler) {
      this.ctx = ctx;
      this.handler = handler;
    }

    void leadership(boolean held) {
      if (held && deployment == null) {
        deployment = ctx.consume(Topology.INVENTORY_ORDERS, handler);
      } else if (!held && deployment != null) {
        Future<String> d = deployment;
        deployment = null;
        d.compose(id -> ctx.vertx().undeploy(id)).onFailure(e -> LOG.warn("could not stop the writer: {}", e.toString()));
      }
    }
  }
}
