package io.orderflow.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** The project's configuration files the tests check: alert rules and the Grafana dashboard. */
final class ProjectFiles {
  private ProjectFiles() {}

  /** Set by surefire; otherwise the first directory up from the working directory that has config/prometheus. */
  static Path root() {
    String configured = System.getProperty("orderflow.projectRoot");
    if (configured != null && !configured.isBlank() && Files.isDirectory(Paths.get(configured, "config", "prometheus"))) {
      return Paths.get(configured).toAbsolutePath();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("config").resolve("prometheus"))) return dir;
    }
    throw new IllegalStateException("no config/prometheus above " + Paths.get("").toAbsolutePath() + " and orderflow.projectRoot is not set");
  }

  static Path alerts() {
    return root().resolve("config/prometheus/alerts.yml");
  }

  static Path alertTests() {
    return root().resolve("config/prometheus/alerts-test.yml");
  }

  static Path dashboardFile() {
    return root().resolve("config/grafana/orderflow.json");
  }

  static JsonObject dashboard() {
    try {
      return new JsonObject(Files.readString(dashboardFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every panel, including those nested in collapsed rows. */
  static List<JsonObject> panels() {
    List<JsonObject> panels = new ArrayList<>();
    for (JsonObject panel : objects(dashboard().getJsonArray("panels", new JsonArray()))) {
      if ("row".equals(panel.getString("type"))) panels.addAll(objects(panel.getJsonArray("panels", new JsonArray())));
      else panels.add(panel);
    }
    return panels;
  }

  /** A dashboard expression as Prometheus runs it once Grafana has put in its interval variables. */
  static String substituted(String expr) {
    return expr.replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
        .replace("$__interval", "15s").replace("${__interval}", "15s")
        .replace("$__range", "5m").replace("${__range}", "5m");
  }

  static List<JsonObject> objects(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }
}
