package io.orderflow.app;

import io.orderflow.chaos.DevTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code test [MAVEN ARGS]}: the whole suite, what CI runs. */
@Command(name = "test", header = "The whole test suite: ./mvnw verify, chaos --short, a short bench.", mixinStandardHelpOptions = true,
    description = "The whole test suite, what CI runs: ./mvnw verify (with a nats-server, promtool, Prometheus and kustomize for the tests, fetched into .cache/ when missing), then `chaos --short`, then a short bench (20 orders/s for 20 s, I1-I4 checked after). Fails if any part fails. ORDERFLOW_TEST_SKIP_CHAOS=1 runs the Maven suite only (quick local runs; CI never sets it).")
final class TestCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "passed to ./mvnw verify, e.g. -pl verticles/orders")
  List<String> mavenArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    DevTools tools = new DevTools(root);
    Path nats = tools.natsServer();
    List<Path> prometheus = tools.prometheus();
    Path kustomize = tools.kustomize();
    long start = System.nanoTime();
    Path jar = root.resolve("verticles/app/target/orderflow.jar");
    // When app's own classes did not change, the jar plugin keeps the shaded jar and shade would re-read its
    // stale copies of the other modules: build it afresh. (This JVM keeps the file it runs from open.)
    Files.deleteIfExists(jar);
    Files.deleteIfExists(jar.resolveSibling("original-orderflow.jar"));
    List<String> mvn = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "--no-transfer-progress", "verify"));
    mvn.addAll(mavenArgs);
    ProcessBuilder maven = new ProcessBuilder(mvn).inheritIO();
    Map<String, String> env = maven.environment();
    env.put("ORDERFLOW_NATS_SERVER", nats.toString());
    // jnats-server-runner looks on the PATH.
    env.put("PATH", nats.getParent() + ":" + env.getOrDefault("PATH", ""));
    env.put("ORDERFLOW_PROMTOOL", prometheus.get(0).toString());
    env.put("ORDERFLOW_PROMETHEUS", prometheus.get(1).toString());
    env.put("ORDERFLOW_KUSTOMIZE", kustomize.toString());
    int rc = maven.start().waitFor();
    say("./mvnw verify " + outcome(rc) + " in " + minutes(start));
    int chaos = 0;
    int bench = 0;
    if ("1".equals(System.getenv("ORDERFLOW_TEST_SKIP_CHAOS"))) {
      say("chaos --short skipped (ORDERFLOW_TEST_SKIP_CHAOS=1)");
    } else if (!Files.isRegularFile(jar)) {
      say("no " + root.relativize(jar) + " after ./mvnw verify: chaos --short not run");
      chaos = 1;
    } else {
      // New JVMs on the jar verify just built.
      long chaosStart = System.nanoTime();
      chaos = java(jar, nats, Map.of(), "chaos", "--short");
      say("chaos --short " + outcome(chaos) + " in " + minutes(chaosStart));
      long benchStart = System.nanoTime();
      String benchDir = System.getenv().getOrDefault("ORDERFLOW_BENCH_DIR", ".data/bench-test");
      bench = java(jar, nats, Map.of("ORDERFLOW_BENCH_DIR", benchDir), "bench", "--rate", "20", "--duration", "20", "--warmup", "5");
      say("bench (short) " + outcome(bench) + " in " + minutes(benchStart));
    }
    say("test " + (rc == 0 && chaos == 0 && bench == 0 ? "passed" : "failed") + " in " + minutes(start));
    return rc != 0 ? rc : chaos != 0 ? chaos : bench;
  }

  private static int java(Path jar, Path nats, Map<String, String> extraEnv, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().put("ORDERFLOW_NATS_SERVER", nats.toString());
    pb.environment().putAll(extraEnv);
    return pb.start().waitFor();
  }

  private static String outcome(int rc) {
    return rc == 0 ? "passed" : "failed (exit " + rc + ")";
  }

  static String minutes(long startNanos) {
    long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
    return String.format("%dm%02ds", s / 60, s % 60);
  }

  static void say(String line) {
    System.out.println("orderflow: " + line);
  }
}
