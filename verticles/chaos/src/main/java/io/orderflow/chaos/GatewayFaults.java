package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Faults of the payment gateway, set on psp-sim's {@code /admin/faults} once payments has work in flight.
 * I5 applies: nothing cancelled or dead-lettered for the outage, everything confirmed within 60 s of recovery.
 */
final class GatewayFaults {
  private GatewayFaults() {}

  static void outage(Run r, Duration length) throws Exception {
    start(r);
    fault(r, new JsonObject().put("mode", "down"));
    r.during(length);
    heal(r);
    r.finish();
    // While the gateway is down the paid orders pile up in front of payments.
    long expected = (long) (r.t.rate() * length.toSeconds() * 0.5);
    long seen = r.sampler == null ? 0 : r.sampler.max(Topology.PAYMENTS_RESERVED);
    r.out.check(seen >= expected, "payments-reserved backlog peaked at " + seen + " during a " + length.toSeconds()
        + "s outage (expected >= " + expected + ": did the outage really stop payments?)");
  }

  static void outageLong(Run r) throws Exception {
    Duration length = r.t.breakerReset().multipliedBy(10).plusSeconds(5);
    if (length.compareTo(r.t.outage()) < 0) length = r.t.outage();
    r.out.note("gateway down for " + length.toSeconds() + "s (10 x the breaker's reset timeout of " + r.t.breakerReset().toSeconds() + "s, and more)");
    outage(r, length);
  }

  /** Answers only after the client's timeout; the charge still happens. */
  static void slow(Run r) throws Exception {
    long timeoutMs = r.t.isShort() ? 1000 : 5000;
    start(r);
    fault(r, new JsonObject().put("mode", "slow").put("latencyMs", timeoutMs * 2));
    r.during(r.t.outage());
    heal(r);
    r.finish();
  }

  static void flaky(Run r) throws Exception {
    start(r);
    fault(r, new JsonObject().put("mode", "flaky").put("errorRate", 0.3).put("seed", 42));
    r.during(r.t.outage());
    heal(r);
    r.finish();
  }

  /** Charges, then never answers: first with the gateway's idempotency, then without it (a lost cache). */
  static void timeoutAfterCharge(Run r) throws Exception {
    start(r);
    fault(r, new JsonObject().put("mode", "timeout-after-charge"));
    r.during(r.t.outage().dividedBy(2));
    fault(r, new JsonObject().put("mode", "timeout-after-charge").put("idempotency", false));
    r.during(r.t.outage().dividedBy(2));
    heal(r);
    r.finish();
  }

  private static void start(Run r) throws Exception {
    r.gateway = true;
    r.standardStart(Deployment.Spec.standard());
    r.awaitInFlight(Topology.PAYMENTS_RESERVED, Duration.ofSeconds(60));
  }

  static void fault(Run r, JsonObject setting) throws Exception {
    Http.Response resp = r.http.send("POST", r.d.pspUrl + "/admin/faults", setting.encode(), r.d.pspAdmin);
    if (resp.status() == 404) throw new IllegalStateException("psp-sim has no POST /admin/faults yet (issue 3, item 1)");
    if (resp.status() / 100 != 2) throw new IllegalStateException("POST /admin/faults " + setting.encode() + " answered " + resp.status() + ": " + Http.abbreviate(resp.body()));
    Http.Response now = r.http.send("GET", r.d.pspUrl + "/admin/faults", null, r.d.pspAdmin);
    r.out.note("gateway fault " + setting.encode() + " -> " + Http.abbreviate(now.body()));
  }

  /** Back to normal, idempotency on; the recovery clock (I5) starts now. */
  private static void heal(Run r) throws Exception {
    fault(r, new JsonObject().put("mode", "ok").put("idempotency", true));
    r.healed();
    r.during(r.t.afterHeal());
  }
}
