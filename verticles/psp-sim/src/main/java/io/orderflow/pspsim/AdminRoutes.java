package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.Charge;
import io.orderflow.pspsim.domain.ChargeProcessor;
import io.orderflow.pspsim.domain.Ledger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code /admin/*} and {@code /health}: what tests and operators use to inspect and reset the simulator. */
final class AdminRoutes {

  private final ChargeProcessor processor;

  AdminRoutes(ChargeProcessor processor) {
    this.processor = processor;
  }

  /**
   * {@code GET /admin/ledger}. Keys whose every answer was a decline are only counted under
   * {@code declined}: a card that was never charged leaves no trace of the key in the ledger, like a
   * real gateway's list of charges. Look one up with {@code GET /v1/charges?idempotencyKey=}.
   */
  void ledger(RoutingContext ctx) {
    Ledger.Snapshot ledger = processor.ledger();
    JsonObject keys = new JsonObject();
    int declinedKeys = 0;
    int declinedRequests = 0;
    int declinedReplays = 0;
    for (var e : ledger.keys().entrySet()) {
      var activity = e.getValue();
      if (activity.charges().isEmpty() && activity.declines() > 0) {
        declinedKeys++;
        declinedRequests += activity.requests();
        declinedReplays += activity.replays();
        continue;
      }
      keys.put(e.getKey(), new JsonObject()
          .put("requests", activity.requests())
          .put("replays", activity.replays())
          .put("charges", new JsonArray(activity.charges().stream().map(AdminRoutes::toJson).toList()))
          .put("declines", activity.declines()));
    }
    ctx.json(new JsonObject()
        .put("keys", keys)
        .put("declined", new JsonObject().put("keys", declinedKeys).put("requests", declinedRequests).put("replays", declinedReplays))
        .put("totalCharges", ledger.totalCharges())
        .put("totalAmountCents", ledger.totalAmountCents()));
  }

  /** {@code DELETE /admin/ledger}: forgets every charge and idempotency key. */
  void reset(RoutingContext ctx) {
    processor.reset();
    ctx.response().setStatusCode(204).end();
  }

  /** {@code GET /health}. */
  void health(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  private static JsonObject toJson(Charge charge) {
    return new JsonObject().put("id", charge.id()).put("amountCents", charge.amountCents())
        .put("currency", charge.currency());
  }
}
