package io.orderflow.audit;

import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.util.List;

/**
 * Audit: every event of every stream, appended once to a hash-chained log in the AUDIT stream (deny
 * delete, deny purge). Its consumers are pinned, so each one's events go to one instance at a time (usually
 * the same instance for all five); its blocks are fenced by the expected last sequence all the same, so two
 * writers never fork the chain. Every instance folds the log and answers queries.
 */
public final class AuditService implements OrderflowService {
  private static final List<Topology.ConsumerSpec> SOURCES = Topology.AUDIT_CONSUMERS;

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    ctx.requires(List.of(Topology.AUDIT, Topology.ORDERS, Topology.INVENTORY, Topology.PAYMENTS, Topology.NOTIFICATIONS, Topology.SYSTEM),
        SOURCES, List.of(Topology.AUDIT_CHECKPOINT));
    var log = new AuditLog(ctx.bridge(), ctx.instanceId(), ctx.settings().longValue("audit.checkpoint-every", 10_000),
        ctx.settings().duration("audit.linger", java.time.Duration.ofMillis(5)).toMillis(),
        ctx.settings().duration("audit.cause-wait", java.time.Duration.ofSeconds(5)).toMillis(),
        ctx.settings().integer("audit.snapshot-every", AuditSnapshots.DEFAULT_EVERY),
        ctx.settings().duration("audit.snapshot-interval", AuditSnapshots.DEFAULT_INTERVAL));
    ctx.readiness().add("audit:log", () -> log.caughtUp()
        ? Future.succeededFuture() : Future.failedFuture("still folding the AUDIT stream"));
    new AuditRoutes(log, ctx.bridge()).mount(ctx.publicRouter(), ctx.auth(), ctx.contract());
    return ctx.vertx().deployVerticle(log)
        .compose(id -> ctx.consumeOnceCaughtUp(log::caughtUp, SOURCES, new AuditHandler(log)));
  }
}
