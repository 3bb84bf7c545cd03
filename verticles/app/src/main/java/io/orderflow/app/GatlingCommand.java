package io.orderflow.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatling}: the Gatling simulation of the order API against a running system. */
@Command(name = "gatling", header = "Gatling load test of the order API against a running system.", mixinStandardHelpOptions = true,
    description = "Gatling load test of the order API (load-tests/gatling) against a running system (default http://127.0.0.1:8080, i.e. `run`): ramps to R orders/s, holds it S s; fails if p99 > 250 ms or more than 1 %% of requests fail. Prints the report's path. Tokens: signed with run's development key, or given for a deployment, better by the variables ORDERFLOW_GATLING_TOKEN and ORDERFLOW_GATLING_ADMIN_TOKEN (a command line is visible in ps).")
final class GatlingCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--base-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080", description = "the order API (${DEFAULT-VALUE})")
  String baseUrl;

  @Option(names = "--rate", paramLabel = "R", description = "orders per second held (20)")
  Double rate;

  @Option(names = "--duration", paramLabel = "S", description = "seconds the rate is held (60)")
  Integer duration;

  @Option(names = "--token", paramLabel = "T", description = "a customer's token: it places every order")
  String token;

  @Option(names = "--admin-token", paramLabel = "T", description = "an admin's token: it stocks the catalog first")
  String adminToken;

  @Option(names = "-D", paramLabel = "NAME=VALUE", description = "any other setting of the simulation, e.g. -DrampSeconds=5")
  Map<String, String> properties = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    String base = baseUrl.replaceAll("/+$", "");
    if (!answers(base + "/inventory/LT-SOLD-OUT")) {
      throw new IllegalStateException("nothing answers at " + base + ": start ./orderflow run (in another terminal), or give --base-url URL");
    }
    List<String> cmd = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "--no-transfer-progress", "-f",
        root.resolve("load-tests/gatling/pom.xml").toString(), "gatling:test", "-DbaseUrl=" + base));
    if (rate != null) cmd.add("-Drate=" + rate);
    if (duration != null) cmd.add("-DdurationSeconds=" + duration);
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    // Tokens by environment, not -D: a command line is visible to anyone who lists processes.
    if (token != null) pb.environment().put("ORDERFLOW_GATLING_TOKEN", token);
    if (adminToken != null) pb.environment().put("ORDERFLOW_GATLING_ADMIN_TOKEN", adminToken);
    if (pb.environment().getOrDefault("ORDERFLOW_GATLING_TOKEN", "").isBlank()) {
      // Without a token of its own the simulation signs them with run's development key (a remote system refuses those).
      Path keys = root.resolve(".data/jwt");
      if (!Files.isRegularFile(keys.resolve("jwt-dev-key.pem"))) {
        throw new IllegalStateException("no development key in .data/jwt: start ./orderflow run first, or give --token T");
      }
      cmd.add("-DdevKeyDir=" + keys);
      pb.command(cmd);
    }
    Path results = Files.createDirectories(root.resolve("load-tests/gatling/target/gatling"));
    long started = System.currentTimeMillis();
    System.out.println("orderflow: load test against " + base + " (simulation io.orderflow.loadtests.OrderApiSimulation)");
    int rc = pb.start().waitFor();
    Optional<Path> report;
    try (Stream<Path> dirs = Files.list(results)) {
      report = dirs.filter(Files::isDirectory).filter(d -> d.toFile().lastModified() >= started - 1000)
          .max(Comparator.comparing(Path::toString));
    }
    if (report.isPresent() && Files.isRegularFile(report.get().resolve("index.html"))) {
      System.out.println("orderflow: report: " + root.relativize(report.get()) + "/index.html");
    } else {
      System.err.println("orderflow: no report was written (see the output above)");
    }
    System.out.println(rc == 0 ? "orderflow: load test passed its assertions"
        : "orderflow: load test failed (exit " + rc + "): an assertion was not met, or the run broke off");
    return rc;
  }

  private static boolean answers(String url) {
    try {
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
