package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.runtime.ServiceHost;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operations console in a real browser: headless Chromium driven by playwright-core (the script in
 * {@code src/test/browser/console.test.mjs}) against a whole orderflow with psp-sim, the console's gateway controls
 * on. One session, in order: an anonymous visit is refused; bad and customer tokens are refused, an admin signs
 * in; axe-core finds no serious violation; under load the counters move; the gateway goes down, the breaker opens
 * and the backlog rises; the gateway comes back, the breaker closes, the backlog drains and every order ends; a dead
 * letter is listed, replayed, and its order ends; the admin signs out. Screenshots of every step (and of a failure)
 * are kept in {@code target/browser-artifacts/}; the one of the outage becomes {@code docs/console.png} when the
 * run sets {@code ORDERFLOW_UPDATE_SCREENSHOT=1}.
 */
class ConsoleBrowserTest {
  private static final String SKU = "SKU-CONSOLE";
  private static final String CUSTOMER = "c-console";
  private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(4);

  @Test
  void anOperatorSignsInWatchesAnOutageHealAndReplaysADeadLetter() throws Exception {
    Path root = ProjectFiles.root();
    Path module = root.resolve("verticles/app");
    Path artifacts = fresh(module.resolve("target/browser-artifacts"));
    Path chromium = ConsoleBrowserTools.chromium(artifacts);
    Path node = ConsoleBrowserTools.node();
    Path scripts = ConsoleBrowserTools.install(node, module.resolve("src/test/browser"), module.resolve("target/browser"), artifacts);

    try (Pipeline p = new Pipeline()) {
      // Orders gets psp-sim's admin secret: the console shows the gateway's controls. A short breaker reset timeout
      // lets the gateway's recovery show within seconds.
      p.with("ORDERFLOW_PSP_ADMIN_SECRET", Pipeline.PSP_ADMIN_SECRET).with("ORDERFLOW_PAYMENTS_BREAKER_RESET_TIMEOUT", "5s")
          // A name of its own: the default (pid@host) would put this machine's name into docs/console.png.
          .with("ORDERFLOW_INSTANCE_ID", "services-1");
      ServiceHost host = p.host("orders,inventory,payments,notifications,audit");
      int api = host.publicPort();
      int mgmt = host.managementPort();
      var stocked = p.call(HttpMethod.PUT, api, "/inventory/" + SKU, new JsonObject().put("priceCents", 1999).put("available", 100_000), Map.of());
      assertThat(stocked.statusCode()).as("PUT /inventory/%s: %s", SKU, stocked.bodyAsString()).isEqualTo(200);

      try (var deadLetters = ConsoleBrowserDeadLetters.serve(p, api, mgmt, SKU)) {
        Map<String, String> env = new HashMap<>(ConsoleBrowserTools.nodeOnPath(node));
        env.put("ORDERFLOW_CONSOLE_URL", "http://127.0.0.1:" + mgmt);
        env.put("ORDERFLOW_API_URL", "http://127.0.0.1:" + api);
        env.put("ORDERFLOW_TEST_CONTROL_URL", deadLetters.url());
        env.put("ORDERFLOW_ADMIN_TOKEN", p.adminToken);
        env.put("ORDERFLOW_CUSTOMER_TOKEN", p.customerToken(CUSTOMER));
        env.put("ORDERFLOW_CUSTOMER_ID", CUSTOMER);
        env.put("ORDERFLOW_SKU", SKU);
        env.put("ORDERFLOW_CHROMIUM", chromium.toString());
        env.put("ORDERFLOW_ARTIFACTS", artifacts.toString());
        if ("1".equals(System.getenv("ORDERFLOW_UPDATE_SCREENSHOT"))) env.put("ORDERFLOW_DOCS_SCREENSHOT", root.resolve("docs/console.png").toString());

        List<String> failures = new ArrayList<>();
        Path log = artifacts.resolve("console-test.log");
        int exit = ConsoleBrowserTools.run(List.of(node.toString(), "console.test.mjs"), scripts, env, log, BROWSER_TIMEOUT, line -> {
          System.out.println("browser: " + line);
          if (line.startsWith("FAIL")) failures.add(line);
        });
        assertThat(exit).as("the browser steps failed (output in %s, screenshots in %s):%n%s", log, artifacts, String.join("\n", failures))
            .isZero();
      }
    }
  }

  /** The directory, emptied: a run's screenshots are only its own. */
  private static Path fresh(Path dir) throws Exception {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
          if (!f.equals(dir)) Files.delete(f);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
