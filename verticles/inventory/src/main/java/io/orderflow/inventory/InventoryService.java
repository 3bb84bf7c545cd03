package io.orderflow.inventory;

import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;

/**
 * Inventory: owns stock and the catalog. Every instance folds the INVENTORY stream into its ledger and
 * serves the stock API; the order events go to one instance at a time (a pinned consumer), which writes the
 * reservations (one writer, and every write fenced by the stream's expected last sequence all the same).
 */
public final class InventoryService implements OrderflowService {
  @Override
  public String name() {
    return "inventory";
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    ctx.requires(List.of(Topology.INVENTORY, Topology.ORDERS), List.of(Topology.INVENTORY_ORDERS),
        List.of(Topology.CATALOG));
    var ledger = new LedgerVerticle(ctx.bridge(), ctx.settings().integer("inventory.remembered-orders", 1_000_000),
        ctx.settings().integer("inventory.snapshot-every", LedgerSnapshots.DEFAULT_EVERY),
        ctx.settings().duration("inventory.snapshot-interval", LedgerSnapshots.DEFAULT_INTERVAL));
    var admin = new StockAdmin(ctx.bridge(), ledger);
    ctx.readiness().add("inventory:ledger", () -> ledger.caughtUp()
        ? Future.succeededFuture() : Future.failedFuture("ledger still replaying the INVENTORY stream"));
    new InventoryRoutes(admin, ledger, ctx.settings().string("catalog.currency", "EUR")).mount(ctx.publicRouter(), ctx.auth(), ctx.contract());
    return ctx.vertx().deployVerticle(ledger)
        .compose(id -> ctx.consumeOnceCaughtUp(ledger::caughtUp, List.of(Topology.INVENTORY_ORDERS),
            new OrderEventsHandler(ledger, ctx.bridge())))
        .compose(v -> ctx.settings().find("catalog.seed")
            .map(seed -> CatalogSeed.loadIfEmpty(admin, ctx.bridge(), Path.of(seed)))
            .orElse(Future.succeededFuture()));
  }
}
