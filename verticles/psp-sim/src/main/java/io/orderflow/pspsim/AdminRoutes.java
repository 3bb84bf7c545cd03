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
  private final FaultInjector faults;

  AdminRoutes(ChargeProcessor processor, FaultInjector faults) {
    this.processor = processor;
    this.faults = faults;
  }

  /**
   * {@code GET /admin/ledger}. Keys whose every answer was a decline are only counted under
   * {@code declined}: a card that was never charged leaves no trace of the key in the ledger, like a
   * real gateway's list of charges. Look one up with {@code GET /v1/charges?idempotencyKey=}. Voided charges
   * stay listed, marked {@code voided}; the totals count only the charges still standing.
   */
  void ledger(RoutingContext ctx) {
    Ledger.Snapshot ledger = processor.ledger();
    JsonObject keys = new JsonObject();
    int declinedKeys = 0;
    int declinedRequests = 0;
    int declinedReplays = 0;
    int declinedFailedRequests = 0;
    for (var e : ledger.keys().entrySet()) {
      var activity = e.getValue();
      if (activity.charges().isEmpty() && activity.declines() > 0) {
        declinedKeys++;
        declinedRequests += activity.requests();
        declinedReplays += activity.replays();
        declinedFailedRequests += activity.failedRequests();
        continue;
      }
      keys.put(e.getKey(), new JsonObject()
          .put("requests", activity.requests())
          .put("replays", activity.replays())
          .put("charges", new JsonArray(activity.charges().stream().map(c -> toJson(c, ledger.isVoided(c))).toList()))
          .put("declines", activity.declines())
          .put("failedRequests", activity.failedRequests()));
    }
    ctx.json(new JsonObject()
        .put("keys", keys)
        .put("declined", new JsonObject().put("keys", declinedKeys).put("requests", declinedRequests)
            .put("replays", declinedReplays).put("failedRequests", declinedFailedRequests))
        .put("totalCharges", ledger.totalCharges())
        .put("totalAmountCents", ledger.totalAmountCents()));
  }

  /** {@code DELETE /admin/ledger}: forgets every charge and idempotency key, and clears the faults. */
  void reset(RoutingContext ctx) {
    processor.reset();
    faults.reset();
    ctx.response().setStatusCode(204).end();
  }

  /** {@code GET /health}. */
  void health(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  private static JsonObject toJson(Charge charge, boolean voided) {
    return new JsonObject().put("id", charge.id()).put("amountCents", charge.amountCents())
        .put("currency", charge.currency()).put("voided", voided);
  }
}
