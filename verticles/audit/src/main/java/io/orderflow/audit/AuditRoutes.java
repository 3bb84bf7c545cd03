package io.orderflow.audit;

import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.ChainState;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.orderflow.runtime.http.ApiContract;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.security.Role;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /audit/orders/{id}}: an order's entries in chain order; {@code GET /audit/verify}: the chain check
 * from the last checkpoint ({@code ?full=true}: from the first block). */
final class AuditRoutes {
  private final AuditLog log;
  private final JetStreamBridge bridge;
  private final ChainVerifier verifier;

  AuditRoutes(AuditLog log, JetStreamBridge bridge) {
    this.log = log;
    this.bridge = bridge;
    this.verifier = new ChainVerifier(bridge);
  }

  void mount(Router router, ApiAuth auth, ApiContract contract) {
    router.route("/audit/*").handler(auth.require(Role.ADMIN, Role.AUDITOR));
    router.get("/audit/orders/:id").handler(contract.validate("getAuditEntries")).handler(this::order);
    router.get("/audit/verify").handler(contract.validate("verifyAudit")).handler(this::verify);
  }

  private void order(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    log.positions(id).compose(this::entries).onSuccess(entries -> {
      if (entries.isEmpty()) Problem.notFound("no audit entries for " + id).send(ctx);
      else json(ctx, 200, new JsonObject().put("orderId", id).put("entries", entries));
    }).onFailure(ctx::fail);
  }

  private Future<JsonArray> entries(List<ChainState.Position> positions) {
    Map<Long, Future<AuditBlock>> blocks = new HashMap<>();
    for (var p : positions) {
      blocks.computeIfAbsent(p.streamSequence(), seq -> bridge.messageAt(Topology.AUDIT, seq)
          .map(m -> BlockCodec.decode(m.orElseThrow().getData())));
    }
    return Future.all(new ArrayList<>(blocks.values())).map(all -> {
      JsonArray out = new JsonArray();
      for (var p : positions) {
        out.add(BlockCodec.entryJson(blocks.get(p.streamSequence()).result().entries().get(p.offset()), p.streamSequence()));
      }
      return out;
    });
  }

  private void verify(RoutingContext ctx) {
    verifier.verify("true".equals(ctx.queryParams().get("full"))).onSuccess(r -> {
      JsonObject body = new JsonObject().put("verified", r.ok()).put("fromSequence", r.fromSequence())
          .put("toSequence", r.toSequence()).put("entriesChecked", r.entries()).put("head", r.head());
      if (r.ok()) {
        json(ctx, 200, body);
      } else {
        body.put("type", "about:blank").put("title", "Audit chain broken").put("status", 409)
            .put("detail", "first bad block at stream sequence " + r.badSequence() + ": " + r.problem())
            .put("badSequence", r.badSequence());
        ctx.response().setStatusCode(409).putHeader("Content-Type", Problem.CONTENT_TYPE).end(body.encode());
      }
    }).onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
