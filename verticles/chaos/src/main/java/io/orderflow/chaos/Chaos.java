package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code orderflow.jar chaos [--short] [SCENARIO...]}: runs fault scenarios against real processes in the
 * split topology and prints one result line per scenario, then a summary; non-zero exit if any failed.
 */
public final class Chaos {
  static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

  static {
    add(Scenario.of("gateway-outage", r -> GatewayFaults.outage(r, r.t.outage())));
    add(Scenario.of("gateway-outage-long", GatewayFaults::outageLong));
    add(Scenario.of("gateway-slow", GatewayFaults::slow));
    add(Scenario.of("gateway-flaky", GatewayFaults::flaky));
    add(Scenario.of("gateway-timeout-after-charge", GatewayFaults::timeoutAfterCharge));
    add(Scenario.of("kill-payments", r -> ProcessFaults.kill(r, "payments")));
    add(Scenario.of("kill-inventory", r -> ProcessFaults.kill(r, "inventory")));
    add(Scenario.of("kill-orders", ProcessFaults::killOrders));
    add(Scenario.of("sigterm-rolling", ProcessFaults::sigtermRolling));
    add(Scenario.of("zombie-payments", ProcessFaults::zombiePayments));
    add(Scenario.of("nats-restart", BrokerFaults::natsRestart));
    add(Scenario.of("poison-events", PoisonEvents::run));
    add(Scenario.of("two-instances", ProcessFaults::twoInstances));
    add(Scenario.of("cluster-node-loss", BrokerFaults::clusterNodeLoss));
    add(Scenario.of("hot-sku-r3", BrokerFaults::hotSku));
    add(Scenario.of("dlq-replay-late", DlqReplayLate::run));
    add(Scenario.of("bad-tokens", BadTokens::run));
    add(Scenario.of("prod-shape", Rehearsal::run));
  }

  private static void add(Scenario s) {
    SCENARIOS.put(s.name(), s);
  }

  private volatile Run current;

  private Chaos() {}

  /** Every scenario's name, in the order a full run takes them. */
  public static List<String> names() {
    return List.copyOf(SCENARIOS.keySet());
  }

  /** Runs the named scenarios (all when none); the process exit code. Unknown names are a usage error. */
  public static int run(boolean isShort, List<String> scenarios) {
    List<String> names = new ArrayList<>(scenarios);
    for (String n : names) {
      if (!SCENARIOS.containsKey(n)) throw new IllegalArgumentException("unknown scenario '" + n + "'; known: " + String.join(" ", SCENARIOS.keySet()));
    }
    if (names.isEmpty()) names.addAll(SCENARIOS.keySet());
    return new Chaos().runAll(names, Timings.of(isShort));
  }

  private int runAll(List<String> names, Timings t) {
    Launch launch;
    Path base;
    try {
      launch = Launch.detect();
      if (!Files.isRegularFile(launch.jar())) throw new IllegalStateException("no fat jar at " + launch.jar() + " (set ORDERFLOW_JAR)");
      base = Files.createTempDirectory("orderflow-chaos-");
    } catch (Exception e) {
      System.err.println("chaos: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::abort, "chaos-abort"));
    System.err.printf("chaos: %d scenario(s), %s timings, logs under %s%n", names.size(), t.isShort() ? "short" : "full", base);
    long start = System.nanoTime();
    List<String> failed = new ArrayList<>();
    for (String name : names) {
      Outcome o = runOne(SCENARIOS.get(name), t, launch, base.resolve(name));
      if (!o.passed()) failed.add(name);
    }
    double took = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "chaos: %d scenarios, %d passed, %d failed in %dm%02ds%s%n", names.size(),
        names.size() - failed.size(), failed.size(), (long) took / 60, (long) took % 60,
        failed.isEmpty() ? "" : " (failed: " + String.join(", ", failed) + ")");
    if (failed.isEmpty()) deleteQuietly(base);
    return failed.isEmpty() ? 0 : 1;
  }

  private Outcome runOne(Scenario s, Timings t, Launch launch, Path dir) {
    System.err.printf("chaos: %s ...%n", s.name());
    long start = System.nanoTime();
    Outcome out = new Outcome(s.name());
    try (Run r = new Run(s.name(), t, launch, dir)) {
      current = r;
      out = r.out;
      s.run(r);
    } catch (Exception | Error e) {
      out.fail("scenario aborted: " + e);
    } finally {
      current = null;
    }
    // The processes have stopped: their logs are complete.
    for (String leak : LogHygiene.findings(dir)) out.fail("a secret in clear in a log: " + leak);
    for (String violation : LogHygiene.permissionViolations(dir)) out.fail("a NATS permission violation: " + violation);
    out.tookSeconds = (System.nanoTime() - start) / 1e9;
    System.out.println(out.line());
    for (String f : out.failures) System.out.println("  FAIL " + f);
    for (String n : out.notes) System.out.println("  note " + n);
    System.out.printf(Locale.ROOT, "  took %.0fs%s%n", out.tookSeconds, out.passed() ? "" : "; logs: " + dir);
    System.out.flush();
    if (out.passed() && System.getenv("ORDERFLOW_CHAOS_KEEP") == null) deleteQuietly(dir);
    return out;
  }

  /** Ctrl-C or SIGTERM while a scenario runs: its processes must not outlive the harness. */
  private void abort() {
    Run r = current;
    if (r != null) r.sup.close();
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }

}
