package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench --outage S}: the payment gateway down for S seconds under a steady load of 20 % of the maximum,
 * and how long the backlog takes to empty after recovery. The load runs before, through and after the outage
 * (orders wait in JetStream while payments' breaker is open); afterwards I1-I4 are checked as in the other
 * modes, and I5's "nothing cancelled for the outage".
 */
final class OutageRun {
  /** The maximum assumed when neither --rate nor a recorded find-max says otherwise (orders/s). */
  static final double DEFAULT_MAX = 100;
  static final double SHARE = 0.2;
  /** The target of the performance issue: the backlog empty within this long after recovery. */
  static final double DRAIN_TARGET_S = 20;
  /** Load before the outage; the consumers' normal backlog is read here. */
  static final double BEFORE_S = 10;
  static final String LAST_FIND_MAX = "last-find-max.json";
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);

  /** The maximum the outage rate is a share of, and where it came from. */
  record Max(double perSecond, String source) {}

  private final Bench.Options opt;
  private final Bench.Starter starter;

  OutageRun(Bench.Options opt, Bench.Starter starter) {
    this.opt = opt;
    this.starter = starter;
  }

  /** Keeps a find-max result for later outage runs. */
  static void recordMax(Path dir, double perSecond) throws IOException {
    Files.writeString(dir.resolve(LAST_FIND_MAX), new JsonObject().put("orders_per_s", Bench.round(perSecond, 2))
        .put("at", Instant.now().toString()).encode());
  }

  /** --rate if given, else the last find-max recorded in the bench directory, else {@link #DEFAULT_MAX}. */
  static Max max(Bench.Options opt) {
    if (opt.rateGiven()) return new Max(opt.rate(), "--rate");
    Path f = opt.dir().resolve(LAST_FIND_MAX);
    try {
      if (Files.isRegularFile(f)) {
        JsonObject j = new JsonObject(Files.readString(f));
        double r = j.getDouble("orders_per_s", 0.0);
        if (r > 0) return new Max(r, "the last find-max (" + j.getString("at", "?") + ")");
      }
    } catch (IOException | RuntimeException e) {
      Bench.say("outage: cannot read " + f + " (" + e.getMessage() + "), using the default maximum");
    }
    return new Max(DEFAULT_MAX, "the default; give --rate or run --find-max first");
  }

  boolean run(Path runDir) throws Exception {
    Max max = max(opt);
    double rate = max.perSecond() * SHARE;
    double after = Math.max(30, opt.outage());
    Bench.say(String.format(Locale.ROOT, "outage: %.1f orders/s = 20 %% of %.1f/s (%s); gateway down for %.0f s after %.0f s, load %.0f s after recovery",
        rate, max.perSecond(), max.source(), opt.outage(), BEFORE_S, after));
    JsonObject json = new JsonObject();
    try (BenchSystem sys = starter.start(runDir.resolve("outage"), BenchSystem.DEFAULT_SYNC, null)) {
      Bench.say(sys.settings());
      if (opt.warmup() > 0) {
        Bench.say(String.format(Locale.ROOT, "warm-up: %.0f s at %.1f orders/s (not measured)", opt.warmup(), rate));
        sys.orderflowStep(rate, opt.warmup(), 1);
      }
      int step = 2;
      DrainClock clock = new DrainClock();
      Thread driver = Thread.ofPlatform().name("bench-outage-driver").start(() -> {
        try {
          sys.load.drive(rate, BEFORE_S + opt.outage() + after, step);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      long t0 = System.nanoTime();
      sampleUntil(sys, clock, step, t0 + nanos(BEFORE_S));
      GatewayFaults.fault(sys.run, new JsonObject().put("mode", "down"));
      clock.outageStarted(System.nanoTime());
      Bench.say(String.format(Locale.ROOT, "outage: gateway down (consumers' normal backlog: %d messages)", clock.baseline()));
      sampleUntil(sys, clock, step, System.nanoTime() + nanos(opt.outage()));
      GatewayFaults.fault(sys.run, new JsonObject().put("mode", "ok").put("idempotency", true));
      long healed = System.nanoTime();
      clock.healed(healed);
      sys.run.healed();
      sys.run.gateway = true;
      Bench.say(String.format(Locale.ROOT, "outage: gateway back after %.0f s; backlog peaked at %d messages, %d orders open",
          opt.outage(), clock.maxMessages(), clock.maxOpenOrders()));
      // Until the backlog is back to normal, however long the load runs; give up well after the target.
      long giveUp = healed + nanos(Math.max(120, 5 * opt.outage()));
      while (System.nanoTime() < giveUp && (!clock.drained() || driver.isAlive())) {
        sample(sys, clock, step);
        Thread.sleep(SAMPLE_EVERY.toMillis()); // the sampling period, not a wait for a condition
      }
      driver.join();
      double drain = clock.drainSeconds();
      StepResult.Percentiles e2e = endToEnd(sys, step);
      Outcome outcome = sys.checkInvariants();
      outcome.maxBacklog = clock.maxMessages();
      outcome.drainSeconds = Double.isNaN(drain) ? -1 : Bench.round(drain, 1);
      long seenAtPayments = sys.run.sampler == null ? -1 : sys.run.sampler.max(Topology.PAYMENTS_RESERVED);
      boolean met = !Double.isNaN(drain) && drain <= DRAIN_TARGET_S;
      Bench.say(String.format(Locale.ROOT, "outage: drain %s after recovery (target <= %.0f s: %s); max backlog %d messages, %d orders open; e2e p50=%s p99=%s max=%s over %d orders",
          Double.isNaN(drain) ? "not within " + Math.round((giveUp - healed) / 1e9) + " s" : String.format(Locale.ROOT, "%.1f s", drain),
          DRAIN_TARGET_S, met ? "met" : "NOT met", clock.maxMessages(), clock.maxOpenOrders(), StepResult.fmt(e2e.p50()),
          StepResult.fmt(e2e.p99()), StepResult.fmt(e2e.max()), e2e.count()));
      Bench.say(outcome.line());
      for (String f : outcome.failures) Bench.say("  FAIL " + f);
      for (String n : outcome.notes) Bench.say("  note " + n);
      json.put("mode", "outage").put("outage_s", opt.outage()).put("outage_rate", Bench.round(rate, 2)).put("max_rate", Bench.round(max.perSecond(), 2))
          .put("max_rate_source", max.source()).put("drain_s", Bench.round(drain, 1)).put("drain_target_s", DRAIN_TARGET_S)
          .put("drain_target_met", met).put("max_backlog", clock.maxMessages()).put("max_open_orders", clock.maxOpenOrders())
          .put("baseline_backlog", clock.baseline()).put("e2e_p50_ms", Bench.round(e2e.p50())).put("e2e_p99_ms", Bench.round(e2e.p99()))
          .put("e2e_max_ms", Bench.round(e2e.max())).put("orders", e2e.count())
          .put("lost", outcome.lost).put("double_charged", outcome.doubleCharged).put("oversold", outcome.oversold)
          .put("settings", sys.settingsJson());
      if (seenAtPayments >= 0) json.put("payments_backlog_max", seenAtPayments);
      System.out.println(json.encode());
      if (Double.isNaN(drain)) Bench.say("FAIL: the backlog did not get back to normal after recovery");
      return outcome.passed() && !Double.isNaN(drain);
    }
  }

  private static void sampleUntil(BenchSystem sys, DrainClock clock, int step, long untilNanos) throws Exception {
    while (System.nanoTime() < untilNanos) {
      sample(sys, clock, step);
      Thread.sleep(Math.max(1, Math.min(SAMPLE_EVERY.toMillis(), (untilNanos - System.nanoTime()) / 1_000_000)));
    }
  }

  private static void sample(BenchSystem sys, DrainClock clock, int step) throws Exception {
    long messages = Bench.backlog(sys.run.broker);
    long now = System.nanoTime();
    long healed = clock.healedNanos();
    long open = 0;
    long openBefore = 0;
    for (BenchLoad.Order o : sys.load.all) {
      if (o.step != step || o.ended() || o.order.rejected != null) continue;
      open++;
      if (o.scheduledNanos < healed) openBefore++;
    }
    clock.add(new DrainClock.Sample(now, messages, open, openBefore));
  }

  /** End-to-end latency of every order of the step, once each has ended (or has had long enough). */
  private static StepResult.Percentiles endToEnd(BenchSystem sys, int step) throws Exception {
    List<BenchLoad.Order> mine = sys.load.step(step);
    try {
      Wait.until("the outage run's orders ended", Duration.ofSeconds(120), Duration.ofMillis(200),
          () -> mine.stream().allMatch(o -> o.ended() || o.order.rejected != null));
    } catch (Wait.TimedOut e) {
      // counted as infinitely late
    }
    return StepResult.Percentiles.of(mine.stream().mapToLong(o -> o.ended() ? o.endedNanos - o.scheduledNanos : Long.MAX_VALUE).toArray());
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }
}
