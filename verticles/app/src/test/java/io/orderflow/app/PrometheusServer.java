package io.orderflow.app;

import io.orderflow.runtime.LoopbackPorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's {@code prometheus} package; {@code ./orderflow test} installs it) scraping the
 * given targets every second as job {@code orderflow}, with orderflow's alert rules loaded, on a free port
 * with temporary storage.
 */
final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static PrometheusServer start(List<String> targets, Path rules) throws Exception {
    Path dir = Files.createTempDirectory("orderflow-prometheus-");
    int port = LoopbackPorts.free();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: orderflow
            static_configs:
              - targets: [%s]
        """.formatted(rules.toAbsolutePath(), targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))));
    Process p = new ProcessBuilder(Executables.find("ORDERFLOW_PROMETHEUS", "prometheus", "prometheus").toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "prometheus-reaper"));
    var server = new PrometheusServer(p, dir, port);
    server.awaitReady();
    return server;
  }

  private void awaitReady() {
    org.awaitility.Awaitility.await("prometheus ready on :" + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> {
          if (!process.isAlive()) throw new IllegalStateException("prometheus exited: " + log());
          return get("/-/ready").statusCode() == 200;
        });
  }

  /** The result vector of an instant query (empty: no data). */
  JsonArray query(String promql) throws Exception {
    var response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonObject body = new JsonObject(response.body());
    if (!"success".equals(body.getString("status"))) throw new AssertionError("query failed: " + promql + " -> " + response.body());
    return body.getJsonObject("data").getJsonArray("result");
  }

  /** The health of every scrape target, e.g. "up". */
  List<String> targetHealth() throws Exception {
    JsonObject body = new JsonObject(get("/api/v1/targets").body());
    return body.getJsonObject("data").getJsonArray("activeTargets").stream()
        .map(t -> ((JsonObject) t).getString("health")).toList();
  }

  /** Names of the loaded rules that are not healthy (a rule that fails to evaluate). */
  List<String> unhealthyRules() throws Exception {
    JsonObject body = new JsonObject(get("/api/v1/rules").body());
    return body.getJsonObject("data").getJsonArray("groups").stream()
        .flatMap(g -> ((JsonObject) g).getJsonArray("rules").stream())
        .map(r -> (JsonObject) r).filter(r -> !"ok".equals(r.getString("health")))
        .map(r -> r.getString("name") + ": " + r.getString("lastError")).toList();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
