package io.orderflow.chaos;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench --history N}: does orderflow stay as fast, and start as quickly, with a long history? Measures
 * the empty system, then a second one into whose streams {@link HistoryLoader} wrote N completed orders
 * before its services started: each service's start-up (process start to ready) and the end-to-end p99 at a
 * fixed rate, half the empty system's maximum. The targets: p99 with history within 10 % (+10 ms) of the
 * empty system's, every service ready within 10 s.
 */
final class HistoryRun {
  /** The empty system's maximum assumed without --rate (orders/s); the measured rate is half of it. */
  static final double DEFAULT_MAX = 100;
  static final double P99_SLACK = 0.10;
  static final double P99_SLACK_MS = 10;
  static final double STARTUP_TARGET_S = 10;

  /** One system measured: its start-up by service, the measured step, I1-I4. */
  record Phase(Map<String, Double> startup, StepResult step, Outcome outcome) {}

  private final Bench.Options opt;
  private final Bench.Starter starter;

  HistoryRun(Bench.Options opt, Bench.Starter starter) {
    this.opt = opt;
    this.starter = starter;
  }

  /** The p99 the system with history may reach: the empty system's plus 10 %, plus 10 ms. */
  static double p99Limit(double emptyP99) {
    return emptyP99 * (1 + P99_SLACK) + P99_SLACK_MS;
  }

  boolean run(Path runDir) throws Exception {
    double max = opt.rateGiven() ? opt.rate() : DEFAULT_MAX;
    double rate = max / 2;
    Bench.say(String.format(Locale.ROOT, "history: %d orders; measured at %.1f orders/s = half of %.1f/s (%s) for %.0f s after %.0f s of warm-up",
        opt.history(), rate, max, opt.rateGiven() ? "--rate" : "the default; give --rate with the empty system's maximum", opt.seconds(), opt.warmup()));
    Phase empty = phase("empty", runDir.resolve("empty"), rate, null);
    AtomicReference<HistoryLoader.Loaded> loaded = new AtomicReference<>();
    HistoryLoader loader = new HistoryLoader(Long.toString(System.currentTimeMillis(), 36));
    Phase history = phase("history", runDir.resolve("history"), rate, urls -> {
      Bench.say("history: writing " + opt.history() + " completed orders straight to the streams (services not started yet)");
      HistoryLoader.Loaded l = loader.load(urls, opt.history(), BenchSystem.STOCK);
      loaded.set(l);
      Bench.say(String.format(Locale.ROOT, "history: %d orders = %d events and %d audit blocks written in %.1f s (%.0f events/s); consumers drained of %d messages in %.1f s",
          l.orderIds().size(), l.events(), l.auditBlocks(), l.writeSeconds(), l.events() / l.writeSeconds(), l.drainedMessages(), l.drainSeconds()));
    }, loaded);
    return report(empty, history, loaded.get(), rate);
  }

  private Phase phase(String name, Path dir, double rate, Deployment.BeforeServices before, AtomicReference<HistoryLoader.Loaded> loaded)
      throws Exception {
    try (BenchSystem sys = starter.start(dir, BenchSystem.DEFAULT_SYNC, before)) {
      HistoryLoader.Loaded l = loaded == null ? null : loaded.get();
      if (l != null) {
        // Not this client's orders: I1 must not call them orphans, I3 counts their sales.
        sys.run.injectedIds.addAll(l.orderIds());
        sys.run.soldBefore.putAll(l.sold());
      }
      Bench.say(name + ": " + sys.settings());
      Bench.say(name + ": start-up " + startupLine(sys.startupSeconds()));
      if (opt.warmup() > 0) sys.orderflowStep(rate, opt.warmup(), 1);
      StepResult step = sys.orderflowStep(rate, opt.seconds(), 2);
      Bench.say(name + ": " + step.line());
      Outcome o = sys.checkInvariants();
      Bench.say(name + ": " + o.line());
      for (String f : o.failures) Bench.say("  FAIL " + f);
      for (String n : o.notes) Bench.say("  note " + n);
      return new Phase(new LinkedHashMap<>(sys.startupSeconds()), step, o);
    }
  }

  private Phase phase(String name, Path dir, double rate, Deployment.BeforeServices before) throws Exception {
    return phase(name, dir, rate, before, null);
  }

  private boolean report(Phase empty, Phase history, HistoryLoader.Loaded l, double rate) {
    double e99 = empty.step().e2e().p99();
    double h99 = history.step().e2e().p99();
    double limit = p99Limit(e99);
    boolean p99Met = h99 <= limit;
    double slowest = history.startup().values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    boolean startupMet = slowest <= STARTUP_TARGET_S;
    Bench.say(String.format(Locale.ROOT, "history: %-22s %12s %12s", "", "empty", "with " + opt.history()));
    Bench.say(String.format(Locale.ROOT, "history: %-22s %12s %12s", "e2e p50", StepResult.fmt(empty.step().e2e().p50()), StepResult.fmt(history.step().e2e().p50())));
    Bench.say(String.format(Locale.ROOT, "history: %-22s %12s %12s   limit %s (+10 %%, +10 ms): %s", "e2e p99", StepResult.fmt(e99), StepResult.fmt(h99),
        StepResult.fmt(limit), p99Met ? "met" : "NOT met"));
    for (String svc : history.startup().keySet()) {
      Bench.say(String.format(Locale.ROOT, "history: %-22s %11.1fs %11.1fs", "start-up " + svc, empty.startup().getOrDefault(svc, Double.NaN),
          history.startup().get(svc)));
    }
    Bench.say(String.format(Locale.ROOT, "history: every service ready within %.0f s: %s (slowest %.1f s)", STARTUP_TARGET_S, startupMet ? "met" : "NOT met", slowest));
    JsonObject json = new JsonObject().put("mode", "history").put("history_orders", opt.history()).put("rate", Bench.round(rate, 2));
    if (l != null) {
      json.put("history_events", l.events()).put("history_audit_blocks", l.auditBlocks())
          .put("history_load_s", Bench.round(l.writeSeconds() + l.drainSeconds())).put("history_write_s", Bench.round(l.writeSeconds()))
          .put("history_drain_s", Bench.round(l.drainSeconds())).put("history_drained_messages", l.drainedMessages());
    }
    json.put("empty_p50_ms", Bench.round(empty.step().e2e().p50())).put("empty_p99_ms", Bench.round(e99))
        .put("history_p50_ms", Bench.round(history.step().e2e().p50())).put("history_p99_ms", Bench.round(h99))
        .put("p99_limit_ms", Bench.round(limit)).put("p99_met", p99Met)
        .put("startup_s", seconds(history.startup())).put("empty_startup_s", seconds(empty.startup())).put("startup_target_s", STARTUP_TARGET_S)
        .put("startup_met", startupMet)
        .put("lost", empty.outcome().lost + history.outcome().lost).put("double_charged", empty.outcome().doubleCharged + history.outcome().doubleCharged)
        .put("oversold", empty.outcome().oversold + history.outcome().oversold);
    System.out.println(json.encode());
    boolean finite = Double.isFinite(e99) && Double.isFinite(h99);
    if (!finite) Bench.say("FAIL: orders did not end within the step's drain time (p99 not finite)");
    return empty.outcome().passed() && history.outcome().passed() && finite;
  }

  private static JsonObject seconds(Map<String, Double> m) {
    JsonObject j = new JsonObject();
    m.forEach((k, v) -> j.put(k, Bench.round(v, 2)));
    return j;
  }

  private static String startupLine(Map<String, Double> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(String.format(Locale.ROOT, " %.1f s", v)));
    return b.toString();
  }
}
