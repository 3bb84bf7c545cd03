package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code demo}: the system started as {@code ./orderflow run} starts it, a steady open-loop order load, the payment
 * gateway down for a while and back, narrated in the terminal as it happens ({@link DemoWatch}), then every order
 * terminal and I1-I5 checked ({@link Invariants}). Exit 0 only when the check passes.
 */
public final class Demo {
  public static final double DEFAULT_RATE = 20;
  public static final Duration DEFAULT_OUTAGE = Duration.ofSeconds(30);
  /** Steady load before the outage: the normal backlog is read here, and the console's charts fill. */
  static final Duration BEFORE = Duration.ofSeconds(15);
  /** Load after the drain: the system back at normal latency. */
  static final Duration AFTER = Duration.ofSeconds(10);
  /** Far more than any demo sells: no order is cancelled for stock. */
  static final int STOCK = 1_000_000;
  static final List<String> SKUS = List.of("DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4", "DEMO-5");

  /** {@code --rate}, {@code --outage}, {@code --keep-running}. */
  public record Options(double rate, Duration outage, boolean keepRunning) {
    public Options {
      if (!(rate > 0 && rate <= 200)) throw new IllegalArgumentException("--rate must be above 0 and at most 200 orders/s");
      if (outage.toMillis() < 1000 || outage.compareTo(Duration.ofMinutes(30)) > 0) throw new IllegalArgumentException("--outage must be from 1s to 30m");
    }
  }

  private final Options opt;
  private final long t0 = System.nanoTime();
  /** Set by Ctrl-C: the main thread's lines (and failures caused by the stop) are no longer shown. */
  private volatile boolean interrupted;
  private volatile boolean gatewayDown;
  private boolean ended;
  private DemoSystem sys;
  private volatile Run r;

  private Demo(Options opt) {
    this.opt = opt;
  }

  public static int run(Options opt) throws Exception {
    return new Demo(opt).go();
  }

  private int go() throws Exception {
    System.out.printf(Locale.ROOT, "orderflow demo: %s orders/s, the payment gateway down for %d s and back, every order checked at the end."
        + " Ctrl-C stops it.%n%n", num(opt.rate()), opt.outage().toSeconds());
    try {
      sys = DemoSystem.checked();
    } catch (DemoSystem.Refused e) {
      System.out.println("orderflow demo: " + e.getMessage());
      return 1;
    }
    Thread hook = new Thread(this::onSignal, "demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo();
    } catch (Exception e) {
      if (interrupted) return 130;
      say("the demo failed: " + e);
      return 1;
    } finally {
      if (!interrupted) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook ends the demo
        }
        end();
      }
    }
  }

  private int demo() throws Exception {
    say("starting the system as ./orderflow run does: nats-server, provisioning, psp-sim (the payment gateway), an SMTP sink"
        + " and the five services in one JVM (run's output: " + sys.runLog() + ")");
    long started = System.nanoTime();
    try {
      sys.start();
    } catch (IllegalStateException | Wait.TimedOut e) {
      say(e.getMessage() + "; the end of " + sys.runLog() + ":");
      sys.logTail(30).forEach(l -> System.out.println("    " + l));
      return 1;
    }
    say(String.format(Locale.ROOT, "system ready (took %.1f s)", seconds(started)));
    r = sys.attach(timings());
    printConsole();
    long dlqBefore = prepare();
    DemoWatch watch = drive();
    return check(watch, dlqBefore);
  }

  /**
   * The harness's timings at the demo's rate and outage: clients retry an order for the outage plus 30 s, every
   * order must be terminal within 5 minutes of the load's end. The rest describe the services' own settings,
   * which the demo leaves at run's defaults (no environment of its own).
   */
  private Timings timings() {
    return new Timings(false, opt.rate(), BEFORE, opt.outage(), AFTER, Duration.ofMinutes(5), Duration.ofSeconds(30),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(75), Map.of());
  }

  private void printConsole() {
    String console = sys.mgmt() + "/console/";
    boolean there = sys.http.status(sys.mgmt() + "/console/login") == 200;
    System.out.println();
    System.out.println("  console   " + console + (there ? "" : "   (not in this build yet; the same facts: " + sys.mgmt() + "/metrics)"));
    System.out.println("  sign in   paste this admin token (valid 24 h; ./orderflow token --admin makes another):");
    System.out.println(r.tokens.admin().substring("Bearer ".length()));
    System.out.println("  also      API http://127.0.0.1:" + sys.ports.http() + ", psp-sim " + sys.pspUrl() + ", logs .data/logs/");
    System.out.println();
  }

  /**
   * A clean slate for the checks in a {@code .data/} that may hold earlier runs: their work finished, their
   * orders set aside, the gateway's ledger (psp-sim just started) holding this demo's charges only, the demo's
   * SKUs stocked. Returns the dead letters already there.
   */
  private long prepare() throws Exception {
    if (r.broker.busyConsumer() != null) {
      say("finishing what an earlier run left in the streams first");
      Wait.until("the earlier run's work done", Duration.ofMinutes(5), Duration.ofSeconds(1), () -> r.broker.busyConsumer() == null);
    }
    r.injectedIds.addAll(r.broker.placedOrders());
    JsonObject ledger = r.http.getJson(sys.pspUrl() + "/admin/ledger", r.d.pspAdmin);
    if (!ledger.getJsonObject("keys", new JsonObject()).isEmpty() || ledger.getJsonObject("declined", new JsonObject()).getLong("keys", 0L) > 0) {
      r.http.send("DELETE", sys.pspUrl() + "/admin/ledger", null, r.d.pspAdmin);
    }
    long dlqBefore = r.broker.messages(Topology.DLQ);
    r.expectedDeadLetters = dlqBefore; // Invariants counts all of them; the new ones are checked below
    r.gateway = true;
    Map<String, Integer> stock = new LinkedHashMap<>();
    SKUS.forEach(s -> stock.put(s, STOCK));
    r.stock(stock);
    for (String sku : SKUS) {
      // Units sold by earlier runs: a stock set keeps them, and I3 counts this demo's sales only.
      Wait.until(sku + " readable", Duration.ofSeconds(30), () -> {
        r.soldBefore.put(sku, inventory(sku).getLong("sold", 0L));
        return true;
      });
    }
    say(String.format(Locale.ROOT, "stocked %s to %s with %,d units each: no order is cancelled for stock", SKUS.getFirst(), SKUS.getLast(), STOCK));
    return dlqBefore;
  }

  private DemoWatch drive() throws Exception {
    DemoWatch watch = new DemoWatch(r, sys.mgmt(), this::say);
    watch.start();
    r.standardLoad();
    long loadStarted = System.nanoTime();
    say(String.format(Locale.ROOT, "load started: %s orders/s, open loop (a new order every %d ms whatever happens); 9 in 10 pay with"
        + " tok_visa, 1 in 10 with a card the gateway declines", num(opt.rate()), Math.round(1000 / opt.rate())));
    watch.watch(BEFORE);
    DemoWatch.Look steady = watch.last();
    say(String.format(Locale.ROOT, "steady: %d orders placed, %d ended, %d waiting; %d messages pending; breaker %s",
        steady.placed(), steady.ended(), steady.waiting(), steady.backlog(), steady.breaker()));

    gateway(new JsonObject().put("mode", "down"));
    gatewayDown = true;
    watch.gatewayDown();
    say("gateway down: psp-sim refuses every payment call for " + opt.outage().toSeconds() + " s");
    watch.watch(opt.outage());
    gateway(new JsonObject().put("mode", "ok").put("idempotency", true));
    gatewayDown = false;
    r.healed();
    watch.gatewayUp();
    say(String.format(Locale.ROOT, "gateway up again after %d s (so far at most %s waiting, %s pending)",
        opt.outage().toSeconds(), DemoWatch.count(watch.peakWaiting(), "order"), DemoWatch.count(watch.peakBacklog(), "message")));

    Duration limit = Duration.ofSeconds(Math.max(120, 5 * opt.outage().toSeconds()));
    if (!watch.watchUntilDrained(limit)) {
      say("the backlog is not back to normal " + limit.toSeconds() + " s after the gateway came back");
      r.out.fail("the backlog did not drain within " + limit.toSeconds() + " s of recovery (I5)");
    }
    watch.watch(AFTER);
    r.load.stop();
    say(String.format(Locale.ROOT, "load stopped: %d orders sent in %.0f s", r.load.created(), seconds(loadStarted)));
    return watch;
  }

  private int check(DemoWatch watch, long dlqBefore) throws Exception {
    long stopped = System.nanoTime();
    // Orders still retrying an answer are settled first (none expected: the API stays up through the outage).
    r.load.awaitSettled(r.t.clientRetry().plusSeconds(30));
    r.load.resolveGaveUp(Duration.ofSeconds(60));
    Invariants inv = new Invariants(r);
    if (inv.awaitQuiet(r.t.quietTimeout())) {
      say(String.format(Locale.ROOT, "every order terminal: all %d accepted orders CONFIRMED or CANCELLED, every consumer idle (%.1f s after the load stopped)",
          r.load.accepted(), seconds(stopped)));
    } else {
      say("not every order terminal within " + r.t.quietTimeout().toSeconds() + " s");
    }
    if (r.sampler != null) r.sampler.stop();
    Outcome o = r.out;
    o.maxBacklog = watch.peakBacklog();
    o.drainSeconds = watch.drained() ? watch.drainSeconds() : -1;
    inv.check();
    o.check(o.dlq <= dlqBefore, (o.dlq - dlqBefore) + " messages dead-lettered during the demo");
    report(inv, o, watch, dlqBefore);
    return o.passed() ? 0 : 1;
  }

  private void report(Invariants inv, Outcome o, DemoWatch watch, long dlqBefore) throws Exception {
    Map<String, Long> reasons = new TreeMap<>();
    for (LoadGenerator.Order order : r.orders()) {
      JsonObject v = order.orderId == null ? null : inv.view(order.orderId);
      if (v != null && "CANCELLED".equals(v.getString("status"))) reasons.merge(reasonName(v.getString("reason")), 1L, Long::sum);
    }
    JsonObject ledger = r.http.getJson(sys.pspUrl() + "/admin/ledger", r.d.pspAdmin);
    long sold = 0;
    for (String sku : SKUS) sold += inventory(sku).getLong("sold", 0L) - r.soldBefore.getOrDefault(sku, 0L);
    String cancelled = reasons.isEmpty() ? "" : " " + reasons.toString().replace('{', '(').replace('}', ')').replace("=", " ");
    long charges = ledger.getLong("totalCharges", -1L);
    if (!o.passed()) {
      say("invariant check FAILED:");
      detail(String.format(Locale.ROOT, "orders placed %d, confirmed %d, cancelled %d%s, lost %d; charges %d, double charges %d; units sold %d,"
          + " oversold %d; new dead letters %d", o.accepted, o.confirmed, o.cancelled, cancelled, o.lost, charges, o.doubleCharged, sold, o.oversold,
          o.dlq - dlqBefore));
      o.failures.forEach(f -> detail("FAIL " + f));
      detail("logs: .data/logs/ (run's own output: " + sys.runLog() + "); --keep-running leaves the system up to look into it");
      return;
    }
    say("invariant check passed:");
    detail(String.format(Locale.ROOT, "I1 no lost order: %d orders placed (every one answered 202), each ended exactly once: %d confirmed,"
        + " %d cancelled%s; lost 0", o.accepted, o.confirmed, o.cancelled, cancelled));
    detail(String.format(Locale.ROOT, "I2 no double charge: %d charges at the gateway, one per confirmed order for its total, none for a"
        + " cancelled one", charges));
    detail(String.format(Locale.ROOT, "I3 stock conserved: %d units of %s..%s sold = the confirmed lines, none left reserved, never negative",
        sold, SKUS.getFirst(), SKUS.getLast()));
    detail("I4 complete audit: every event in the audit log once, in order, the hash chain verified");
    detail(String.format(Locale.ROOT, "I5 outages wait: none cancelled for the outage, no dead letter; up to %d orders waited, and the"
        + " backlog drained %.1f s after the gateway came back", watch.peakWaiting(), o.drainSeconds));
  }

  private static String reasonName(String reason) {
    return reason == null ? "no reason" : switch (reason) {
      case "PAYMENT_DECLINED" -> "card declined";
      case "OUT_OF_STOCK" -> "out of stock";
      default -> reason.toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  private JsonObject inventory(String sku) throws Exception {
    return r.http.getJson(r.d.api("inventory") + "/inventory/" + sku, r.tokens.admin());
  }

  private void gateway(JsonObject setting) throws Exception {
    GatewayFaults.fault(r, setting);
  }

  /** Ctrl-C (or SIGTERM): the load stops, the gateway comes back if it was down, and the system stops unless --keep-running. */
  private void onSignal() {
    synchronized (this) {
      if (ended) return;
    }
    interrupted = true;
    System.out.println();
    tell("interrupted");
    Run run = r;
    if (run != null && run.load != null) run.load.stop();
    end();
  }

  private synchronized void end() {
    if (ended) return;
    ended = true;
    Run run = r;
    if (run != null) {
      if (gatewayDown) {
        try {
          gateway(new JsonObject().put("mode", "ok").put("idempotency", true));
          tell("gateway up again");
        } catch (Exception e) {
          tell("could not bring the gateway back (" + e.getMessage() + ")");
        }
      }
      try {
        run.close();
      } catch (Exception e) {
        // only the demo's own clients: nothing of the system
      }
    }
    if (sys == null) return;
    if (opt.keepRunning() && sys.alive()) {
      tell("the system keeps running (--keep-running): console " + sys.mgmt() + "/console/, API http://127.0.0.1:" + sys.ports.http()
          + "; ./orderflow stop stops it");
      return;
    }
    if (!sys.alive()) {
      sys.stop(); // run ended by itself, and stopped what it started
      return;
    }
    tell("stopping the system: the services (they drain), then psp-sim and the SMTP sink, then nats-server");
    sys.stop();
    tell("stopped");
  }

  /** A narrated line, timed from the start of the demo; dropped once Ctrl-C took over. */
  private void say(String line) {
    if (!interrupted) tell(line);
  }

  private void tell(String line) {
    System.out.printf(Locale.ROOT, "%9s  %s%n", String.format(Locale.ROOT, "+%.1fs", seconds(t0)), line);
    System.out.flush();
  }

  private static void detail(String line) {
    System.out.println("           " + line);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String num(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
