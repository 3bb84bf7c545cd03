package io.orderflow.chaos;

import io.nats.client.Connection;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One clean system for the bench: nats-server, provision, psp-sim, the SMTP sink and the services (one JVM, or
 * one per service with {@code --split}) started as {@code ./orderflow run} starts them, the catalog stocked, the
 * bench's client and the bare pipeline connected, and every process followed for CPU and memory.
 */
final class BenchSystem implements AutoCloseable {
  /** {@code ./orderflow run}'s fsync setting unless ORDERFLOW_NATS_SYNC says otherwise. */
  static final String DEFAULT_SYNC = Bench.env("ORDERFLOW_NATS_SYNC", "1s");
  static final long STOCK = 10_000_000;

  final Run run;
  final BenchLoad load;
  final BarePipeline bare;
  private final Connection nc;
  private final ProcessStats stats = new ProcessStats();
  private final String monitor;
  private final String sync;
  private final boolean split;
  private final String natsVersion;

  private BenchSystem(Run run, Connection nc, BenchLoad load, BarePipeline bare, String sync, boolean split) throws Exception {
    this.run = run;
    this.nc = nc;
    this.load = load;
    this.bare = bare;
    this.sync = sync;
    this.split = split;
    NatsNodes.Node node = run.d.nats.nodes.getFirst();
    this.monitor = "http://127.0.0.1:" + node.monitorPort();
    this.natsVersion = run.http.getJson(monitor + "/varz").getString("version", "?");
    for (Proc p : run.sup.all()) {
      if (p.name.equals("provision")) continue;
      stats.add(p.name.startsWith("nats") ? "nats-server" : p.name, p::pid);
    }
    stats.add("load-generator", () -> ProcessHandle.current().pid());
  }

  static BenchSystem start(Path dir, boolean split, String sync) throws Exception {
    return start(dir, split, sync, null);
  }

  /** {@code before}: work on the provisioned broker before the services start (null: none). */
  static BenchSystem start(Path dir, boolean split, String sync, Deployment.BeforeServices before) throws Exception {
    Run run = new Run("bench", Timings.of(false), Launch.likeRun(split), dir);
    run.beforeServices = before;
    try {
      Deployment.Spec spec = Deployment.Spec.standard().natsSync(sync);
      run.deploy(split ? spec : spec.allInOne());
      stock(run);
      // Every customer's token signed now: signing (an ES256 signature each) must not land in a measured step.
      run.tokens.prepare(Bench.customers());
      Connection nc = Bench.connect(run.d.nats.urls(), "orderflow-bench");
      BenchLoad load = new BenchLoad(nc, run.d.api("orders"), run.tokens, "bench-" + Long.toString(System.currentTimeMillis(), 36), Bench::order);
      run.otherOrders = () -> load.all.stream().map(o -> o.order).toList();
      run.stockMayRunOut = true;
      BarePipeline bare = BarePipeline.connect(run.d.nats.urls()).start();
      return new BenchSystem(run, nc, load, bare, sync, split);
    } catch (Exception | Error e) {
      run.close();
      throw e;
    }
  }

  /** 1,000 SKUs: plenty of stock for all but the last few, which have none (the out-of-stock orders). */
  private static void stock(Run run) throws Exception {
    Map<String, Integer> skus = new LinkedHashMap<>();
    for (int i = 0; i < Bench.SKUS; i++) skus.put(Bench.sku(i), i < Bench.SKUS - Bench.OUT_OF_STOCK_SKUS ? (int) STOCK : 0);
    run.stock(skus);
  }

  /** Seconds from starting the service processes until each service answered ready. */
  Map<String, Double> startupSeconds() {
    return run.d.startupSeconds;
  }

  /** The name of this system's steps: "orderflow", or "orderflow, sync always" when the broker fsyncs every write. */
  String label() {
    return "always".equals(sync) ? "orderflow, sync always" : "orderflow";
  }

  String settings() {
    return "system: services " + (split ? "one JVM per service" : "in one JVM (services all)") + " " + run.launch.serviceJvmOptions()
        + "; nats-server " + natsVersion + ", sync_interval " + sync + ", R1, file storage; audit on; API authentication: ES256 bearer tokens (one per customer); "
        + Bench.SKUS + " SKUs (" + Bench.OUT_OF_STOCK_SKUS + " without stock, " + Bench.HOT_SKUS + " hot)";
  }

  JsonObject settingsJson() {
    return new JsonObject().put("services", split ? "split" : "one-jvm").put("jvm", String.join(" ", run.launch.serviceJvmOptions()))
        .put("nats_server", natsVersion).put("sync_interval", sync).put("replicas", 1).put("audit", true).put("auth", "jwt-es256")
        .put("cores", Runtime.getRuntime().availableProcessors());
  }

  StepResult orderflowStep(double rate, double seconds, int step) throws Exception {
    Window w = Window.open(this);
    double early = Math.min(20, seconds / 3);
    Thread driver = Thread.ofPlatform().name("bench-driver").start(() -> {
      try {
        load.drive(rate, seconds, step);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Thread.sleep((long) (early * 1000)); // the point 20 s into the step where the backlog is read
    long backlogEarly = Bench.backlog(run.broker);
    driver.join();
    long backlogEnd = Bench.backlog(run.broker);
    Map<String, ProcessStats.Sample> atEnd = stats.sample();
    List<BenchLoad.Order> mine = load.step(step);
    awaitQuietly("the step's orders ended", Duration.ofSeconds((long) Math.max(30, seconds)),
        () -> mine.stream().allMatch(o -> o.ended() || o.order.rejected != null));
    long[] e2e = mine.stream().mapToLong(o -> o.ended() ? o.endedNanos - o.scheduledNanos : Long.MAX_VALUE).toArray();
    long[] http = mine.stream().filter(o -> o.answeredNanos != 0).mapToLong(o -> o.answeredNanos - o.scheduledNanos).toArray();
    long accepted = mine.stream().filter(o -> o.order.orderId != null).count();
    long ended = mine.stream().filter(BenchLoad.Order::ended).count();
    // After quiet: what an order causes after its end (the sale, the mail, audit blocks) belongs to its step.
    awaitQuiet();
    return w.close(label(), rate, seconds, mine.size(), accepted, ended, e2e, http, backlogEarly, backlogEnd, atEnd, 0);
  }

  StepResult bareStep(double rate, double seconds, int step) throws Exception {
    Window w = Window.open(this);
    double early = Math.min(20, seconds / 3);
    long[] offered = {0};
    Thread driver = Thread.ofPlatform().name("bench-bare-driver").start(() -> {
      try {
        offered[0] = bare.drive(rate, seconds, step);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Thread.sleep((long) (early * 1000));
    long backlogEarly = bare.backlog();
    driver.join();
    long backlogEnd = bare.backlog();
    Map<String, ProcessStats.Sample> atEnd = stats.sample();
    awaitQuietly("the bare pipeline's messages arrived", Duration.ofSeconds((long) Math.max(30, seconds)),
        () -> bare.latencies(step).length >= offered[0]);
    long[] arrived = bare.latencies(step);
    long[] e2e = java.util.Arrays.copyOf(arrived, (int) offered[0]);
    for (int i = arrived.length; i < e2e.length; i++) e2e[i] = Long.MAX_VALUE;
    Wait.until("bare pipeline quiet", Duration.ofMinutes(5), Duration.ofMillis(500), () -> bare.backlog() == 0);
    return w.close("bare", rate, seconds, offered[0], offered[0], arrived.length, e2e, new long[0], backlogEarly, backlogEnd, atEnd,
        BarePipeline.STAGES + 1);
  }

  /** Nothing pending on any consumer and every order answered: the next step starts on a quiet system. */
  private void awaitQuiet() throws Exception {
    Wait.until("quiet between steps", Duration.ofMinutes(5), Duration.ofMillis(500), () -> load.settled() && Bench.backlog(run.broker) == 0);
  }

  private static void awaitQuietly(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    try {
      Wait.until(what, timeout, Duration.ofMillis(100), condition);
    } catch (Wait.TimedOut e) {
      // reported as orders that did not end in time: they count as infinitely late
    }
  }

  /** I1-I4 once the system is quiet, from what the client saw and the system's own views. */
  Outcome checkInvariants() throws Exception {
    Invariants inv = new Invariants(run).knownViews(load.views);
    if (inv.awaitQuiet(Duration.ofMinutes(5))) inv.check();
    return run.out;
  }

  /** The counters at a step's start; closed into the step's result. */
  private record Window(BenchSystem sys, Map<String, ProcessStats.Sample> cpu, BrokerCounters broker) {
    static Window open(BenchSystem sys) throws Exception {
      return new Window(sys, sys.stats.sample(), BrokerCounters.read(sys.run.http, sys.monitor));
    }

    StepResult close(String target, double rate, double seconds, long offered, long accepted, long ended, long[] e2e, long[] http,
                     long backlogEarly, long backlogEnd, Map<String, ProcessStats.Sample> atEnd, double deliveriesPerOrder)
        throws Exception {
      // Everything per order accepted: what the system took on is what it spent its CPU and broker calls on.
      Map<String, Double> cpu = new LinkedHashMap<>();
      ProcessStats.cpuBetween(this.cpu, sys.stats.sample()).forEach((k, v) -> cpu.put(k, accepted == 0 ? 0 : v / accepted));
      Map<String, Double> rss = new LinkedHashMap<>();
      atEnd.forEach((k, v) -> rss.put(k, v.rssMb()));
      BrokerCounters after = BrokerCounters.read(sys.run.http, sys.monitor);
      double[] io = BrokerCounters.perOrder(broker, after, accepted);
      double deliveries = deliveriesPerOrder > 0 ? deliveriesPerOrder : BrokerCounters.deliveriesPerOrder(broker, after, accepted);
      return new StepResult(target, rate, seconds, offered, accepted, ended, StepResult.Percentiles.of(e2e), StepResult.Percentiles.of(http),
          backlogEarly, backlogEnd, cpu, rss, io[0], io[1], deliveries, Bench.P99_TARGET_MS);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      load.close();
      bare.close();
      nc.close();
    } finally {
      run.close();
    }
  }
}
