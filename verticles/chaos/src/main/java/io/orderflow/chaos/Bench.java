package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code orderflow.jar bench [--rate R] [--duration S] [--find-max | --outage S | --history N] [--split]}: how fast orderflow is on this
 * machine, measured from the outside. Starts a clean system with {@code ./orderflow run}'s defaults, measures
 * the broker's own ceilings and the bare pipeline, drives an open-loop load of {@code POST /orders}, reports
 * end-to-end latency (the scheduled send until the order's end event reaches the client), HTTP latency,
 * broker writes and reads per order, CPU per order and resident memory of each process, then waits until
 * quiet and checks I1-I4. The last line is one JSON object. {@code --outage} ({@link OutageRun}) and
 * {@code --history} ({@link HistoryRun}, {@link HistoryLoader}) are runs of their own.
 */
public final class Bench {
  /** The end-to-end latency a rate must hold to count (find-max). */
  public static final double P99_TARGET_MS = 250;
  static final int SKUS = 1000;
  static final int OUT_OF_STOCK_SKUS = 20;
  static final int HOT_SKUS = 5;
  /** Customers the orders spread over; each one's token is signed before the load ({@link BenchSystem}). */
  static final int CUSTOMERS = 1000;

  /**
   * @param rateGiven whether {@code --rate} was on the command line (the outage and history modes derive their
   *     rate from it, or else from a recorded or default maximum)
   * @param outage {@code --outage S}: seconds the gateway is down (0: not this mode)
   * @param history {@code --history N}: completed orders loaded before measuring (0: not this mode)
   */
  public record Options(double rate, double seconds, double warmup, boolean findMax, boolean split, Path dir, boolean rateGiven,
                 double outage, int history) {
    /** Checks what the command line cannot express: one mode per run, numbers in range. */
    public Options {
      if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("--rate must be a number greater than 0");
      if (!(seconds > 0) || Double.isInfinite(seconds)) throw new IllegalArgumentException("--duration must be a number greater than 0");
      if (!(warmup >= 0) || Double.isInfinite(warmup)) throw new IllegalArgumentException("--warmup must be a number of 0 or more");
      if (outage < 0 || Double.isInfinite(outage)) throw new IllegalArgumentException("--outage must be a number greater than 0");
      // The loader keeps every id in memory.
      if (history < 0 || history > 10_000_000) throw new IllegalArgumentException("--history must be a whole number from 1 to 10000000");
      int modes = (findMax ? 1 : 0) + (outage > 0 ? 1 : 0) + (history > 0 ? 1 : 0);
      if (modes > 1) throw new IllegalArgumentException("--find-max, --outage and --history are separate runs: choose one");
    }

    /** Where runs keep their logs and results: ORDERFLOW_BENCH_DIR, else .data/bench. */
    public static Path defaultDir() {
      return Path.of(env("ORDERFLOW_BENCH_DIR", ".data/bench"));
    }
  }

  private final Options opt;
  private final List<StepResult> steps = new ArrayList<>();
  /** The system being measured: Ctrl-C or SIGTERM must not leave its processes behind. */
  private volatile BenchSystem current;
  /** The lowest rate a probe of the current search failed at. */
  private double failedAt = Double.POSITIVE_INFINITY;
  private int stepNo;

  private Bench(Options opt) {
    this.opt = opt;
  }

  public static int run(Options opt) {
    if (!ProcessStats.available()) System.err.println("bench: no /proc here: CPU and memory per process are not reported");
    try {
      return new Bench(opt).go();
    } catch (Exception e) {
      StringBuilder why = new StringBuilder(e.toString());
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) why.append("; caused by ").append(c);
      System.err.println("bench: aborted: " + why + " (the processes' logs stay under " + opt.dir() + ")");
      return 1;
    }
  }

  private BenchSystem start(Path dir, String sync) throws Exception {
    return start(dir, sync, null);
  }

  /** Starts a system and keeps it as the one to stop on Ctrl-C. */
  interface Starter {
    BenchSystem start(Path dir, String sync, Deployment.BeforeServices before) throws Exception;
  }

  private BenchSystem start(Path dir, String sync, Deployment.BeforeServices before) throws Exception {
    current = BenchSystem.start(dir, opt.split(), sync, before);
    return current;
  }

  private int go() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      BenchSystem s = current;
      if (s != null) s.run.sup.close();
    }, "bench-abort"));
    Files.createDirectories(opt.dir());
    Path runDir = Files.createTempDirectory(opt.dir(), "run-");
    if (opt.outage() > 0 || opt.history() > 0) {
      // Said first: the mode's last line is its JSON object.
      say("logs (kept if it fails): " + runDir);
      boolean ok = opt.outage() > 0 ? new OutageRun(opt, this::start).run(runDir) : new HistoryRun(opt, this::start).run(runDir);
      if (ok && System.getenv("ORDERFLOW_CHAOS_KEEP") == null) Chaos.deleteQuietly(runDir);
      return ok ? 0 : 1;
    }
    JsonObject json = new JsonObject();
    Outcome outcome;
    StepResult best;
    double syncAlwaysMax = Double.NaN;
    try (BenchSystem sys = start(runDir.resolve("default"), BenchSystem.DEFAULT_SYNC)) {
      say(sys.settings());
      double[] ceil = sys.bare.ceilings(20_000);
      say(String.format(Locale.ROOT, "broker ceilings: async publish %.0f msg/s (%d-byte messages, file storage), consume with ack %.0f msg/s",
          ceil[0], BarePipeline.EVENT_BYTES, ceil[1]));
      json.put("ceiling_publish_per_s", Math.round(ceil[0])).put("ceiling_consume_ack_per_s", Math.round(ceil[1]));

      StepResult bareBest;
      if (opt.findMax()) {
        bareBest = findMax("bare", r -> bareStep(sys, r.rate, r.seconds), 200);
        best = findMax("orderflow", r -> orderflowStep(sys, r.rate, r.seconds), 40);
        if (best != null) OutageRun.recordMax(opt.dir(), best.rate()); // what --outage runs at a fifth of
      } else {
        bareBest = record(bareStep(sys, opt.rate(), opt.seconds()));
        if (opt.warmup() > 0) {
          say(String.format(Locale.ROOT, "warm-up: %.0f s at %.1f orders/s (not measured)", opt.warmup(), opt.rate()));
          orderflowStep(sys, opt.rate(), opt.warmup());
        }
        best = record(orderflowStep(sys, opt.rate(), opt.seconds()));
      }
      outcome = sys.checkInvariants();
      say(outcome.line());
      for (String f : outcome.failures) say("  FAIL " + f);
      for (String n : outcome.notes) say("  note " + n);
      fill(json, best, bareBest, outcome, sys);
    }
    if (opt.findMax()) {
      try (BenchSystem always = start(runDir.resolve("sync-always"), "always")) {
        say(always.settings());
        // fsync before every acknowledgement can only be slower: start below the first maximum.
        double from = best == null ? 40 : Math.max(10, Math.round(best.rate() / 2));
        StepResult r = findMax("orderflow-sync-always", rr -> orderflowStep(always, rr.rate, rr.seconds), from);
        syncAlwaysMax = r == null ? 0 : r.rate();
        Outcome o = always.checkInvariants();
        say(o.line());
        for (String f : o.failures) say("  FAIL " + f);
        if (!o.passed()) outcome.fail("sync_interval always: " + String.join("; ", o.failures));
      }
      json.put("sync_always_orders_per_min", Math.round(syncAlwaysMax * 60));
    }
    Path chart = BenchChart.write(opt.dir().resolve("bench-latency.svg"), steps, P99_TARGET_MS);
    Path csv = writeCsv(opt.dir().resolve("bench-steps.csv"));
    say("chart: " + chart + "  steps: " + csv + "  logs (kept if it fails): " + runDir);
    System.out.println(json.encode());
    // Fails when an invariant broke, or no measured step got every order to its end (p99 not finite).
    boolean finite = best != null && Double.isFinite(best.e2e().p99());
    if (!finite) say("FAIL: " + (best == null ? "no rate held" : "orders did not end within the step's drain time (p99 not finite)"));
    boolean ok = outcome.passed() && finite;
    if (ok && System.getenv("ORDERFLOW_CHAOS_KEEP") == null) Chaos.deleteQuietly(runDir);
    return ok ? 0 : 1;
  }

  /** A step to run: its rate and length. */
  record Probe(double rate, double seconds) {}

  interface Target {
    StepResult run(Probe p) throws Exception;
  }

  /**
   * The highest rate whose end-to-end p99 holds {@link #P99_TARGET_MS} with no growing backlog: after a
   * warm-up, short probes (20 s) multiply the rate by 1.5 until one fails, then go on from the last one held
   * in steps of 10 % until one fails; 60 s steps of 10 % from the last one held settle it (downwards if even
   * that one fails now). Returns the held 60 s step at the highest rate.
   */
  private StepResult findMax(String name, Target target, double start) throws Exception {
    say("find-max " + name + ": probes of 20 s from " + start + "/s, then steps of 10 % of " + (int) Math.max(60, opt.seconds()) + " s");
    // A cold JVM (the services' idle while the other target was measured) fails its first probe on JIT
    // compilation alone, which would send the search down to crawl up in 10 % steps: warm it up first.
    double warm = Math.max(60, opt.warmup());
    say(String.format(Locale.ROOT, "find-max %s: warm-up %.0f s at %.1f/s (not measured)", name, warm, start));
    target.run(new Probe(start, warm));
    failedAt = Double.POSITIVE_INFINITY;
    double held = probe(target, start, 1.5, 0);
    // Closer, still with short probes: from the last rate held, 10 % at a time until one fails.
    held = probe(target, held > 0 ? held * 1.1 : start / 1.1, held > 0 ? 1.1 : 1 / 1.1, held);
    double rate = held > 0 ? held : start / 1.1;
    StepResult best = null;
    for (int i = 0; i < 25 && rate >= 1; i++) {
      StepResult r = record(target.run(new Probe(rate, Math.max(60, opt.seconds()))));
      if (r.held()) {
        best = r;
        rate *= 1.1;
      } else if (best != null) {
        break;
      } else {
        rate /= 1.1;
      }
    }
    say("find-max " + name + ": " + (best == null ? "no rate held" : String.format(Locale.ROOT, "%.1f/s = %d/min", best.rate(), Math.round(best.rate() * 60))));
    return best;
  }

  /**
   * 20 s probes from {@code rate}, multiplied by {@code factor} while they hold (going up) or until one holds
   * (going down); returns the highest rate that held, or {@code held} when none did.
   */
  private double probe(Target target, double rate, double factor, double held) throws Exception {
    for (int i = 0; i < 30 && rate >= 1; i++, rate *= factor) {
      // Going up, a rate at or above one that already failed a probe is not worth another 20 s.
      if (factor > 1 && rate >= failedAt) return held;
      boolean ok = record(target.run(new Probe(rate, 20))).held();
      if (!ok) failedAt = Math.min(failedAt, rate);
      if (factor > 1 && !ok) return held;
      if (ok) held = Math.max(held, rate);
      if (factor < 1 && ok) return held;
    }
    return held;
  }

  private StepResult record(StepResult r) {
    steps.add(r);
    say(r.line());
    return r;
  }

  private StepResult orderflowStep(BenchSystem sys, double rate, double seconds) throws Exception {
    return sys.orderflowStep(rate, seconds, ++stepNo);
  }

  private StepResult bareStep(BenchSystem sys, double rate, double seconds) throws Exception {
    return sys.bareStep(rate, seconds, ++stepNo);
  }

  private void fill(JsonObject json, StepResult best, StepResult bare, Outcome o, BenchSystem sys) {
    double perMin = best == null ? 0 : best.accepted() / best.seconds() * 60;
    double barePerMin = bare == null ? 0 : bare.ended() / bare.seconds() * 60;
    json.put("orders_per_min", Math.round(perMin))
        .put("e2e_p50_ms", best == null ? null : round(best.e2e().p50()))
        .put("e2e_p90_ms", best == null ? null : round(best.e2e().p90()))
        .put("e2e_p99_ms", best == null ? null : round(best.e2e().p99()))
        .put("e2e_max_ms", best == null ? null : round(best.e2e().max()))
        .put("http_p99_ms", best == null ? null : round(best.http().p99()))
        .put("lost", o.lost).put("double_charged", o.doubleCharged).put("oversold", o.oversold)
        .put("bare_orders_per_min", Math.round(barePerMin))
        .put("efficiency", opt.findMax() && barePerMin > 0 ? round(perMin / barePerMin, 3) : null)
        .put("writes_per_order", best == null ? null : round(best.writesPerOrder(), 2))
        .put("reads_per_order", best == null ? null : round(best.readsPerOrder(), 2));
    JsonObject cpu = new JsonObject();
    JsonObject rss = new JsonObject();
    if (best != null) {
      best.cpuMsPerOrder().forEach((k, v) -> cpu.put(k, round(v, 2)));
      cpu.put("total", round(best.cpuTotal(), 2));
      best.rssMb().forEach((k, v) -> rss.put(k, Math.round(v)));
    }
    json.put("cpu_ms_per_order", cpu).put("rss_mb", rss).put("mode", opt.findMax() ? "find-max" : "fixed")
        .put("offered_per_s", best == null ? null : round(best.rate(), 1)).put("settings", sys.settingsJson());
  }

  private Path writeCsv(Path file) throws java.io.IOException {
    StringBuilder b = new StringBuilder("target,rate_per_s,seconds,offered,accepted,ended,e2e_p50_ms,e2e_p90_ms,e2e_p99_ms,e2e_max_ms,http_p99_ms,backlog_20s,backlog_end,cpu_ms_per_order,writes_per_order,reads_per_order,held\n");
    for (StepResult r : steps) {
      b.append(String.format(Locale.ROOT, "%s,%.2f,%.0f,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%.2f,%.2f,%.2f,%s%n", r.target(), r.rate(), r.seconds(),
          r.offered(), r.accepted(), r.ended(), r.e2e().p50(), r.e2e().p90(), r.e2e().p99(), r.e2e().max(), r.http().p99(), r.backlogEarly(),
          r.backlogEnd(), r.cpuTotal(), r.writesPerOrder(), r.readsPerOrder(), r.held()));
    }
    Files.writeString(file, b);
    return file;
  }

  static Double round(double v) {
    return round(v, 1);
  }

  static Double round(double v, int digits) {
    if (Double.isNaN(v)) return null;
    if (Double.isInfinite(v)) return null; // an order that never ended: no figure
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static void say(String s) {
    System.out.println("bench: " + s);
    System.out.flush();
  }

  /** The bench's order mix: 90 % paid, 5 % out of stock, 5 % declined; 1-5 lines over 1,000 SKUs, a few hot. */
  static LoadGenerator.OrderSpec order(int n) {
    Random r = new Random(n * 0x9E3779B97F4A7C15L);
    int kind = r.nextInt(100);
    Map<String, Integer> items = new LinkedHashMap<>();
    int lines = 1 + r.nextInt(5);
    for (int i = 0; i < lines; i++) {
      int sku = r.nextInt(100) < 30 ? r.nextInt(HOT_SKUS) : r.nextInt(SKUS - OUT_OF_STOCK_SKUS);
      items.merge(sku(sku), 1 + r.nextInt(3), Integer::sum);
    }
    if (kind < 5) items.put(sku(SKUS - OUT_OF_STOCK_SKUS + r.nextInt(OUT_OF_STOCK_SKUS)), 1);
    String token = kind >= 5 && kind < 10 ? Run.DECLINED : Run.VISA;
    return new LoadGenerator.OrderSpec(customer(n % CUSTOMERS), items, token);
  }

  /** Customer {@code i} of {@link #CUSTOMERS}. */
  static String customer(int i) {
    return "c-" + i;
  }

  /** Every customer an order of the bench's mix can name. */
  static List<String> customers() {
    return java.util.stream.IntStream.range(0, CUSTOMERS).mapToObj(Bench::customer).toList();
  }

  /** SKU {@code i} of the catalog; the last {@link #OUT_OF_STOCK_SKUS} have no stock. */
  static String sku(int i) {
    return String.format(Locale.ROOT, "SKU-%04d", i);
  }

  /** A variable's value, trimmed; {@code dflt} when it is unset or blank. */
  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  static Connection connect(String urls, String name) throws Exception {
    return Nats.connect(new io.nats.client.Options.Builder().server(urls).connectionName(name).maxReconnects(-1)
        .errorListener(new io.nats.client.ErrorListener() {}).build());
  }

  static long backlog(Broker broker) throws Exception {
    long sum = 0;
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) sum += broker.backlog(c);
    return sum;
  }

  static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
