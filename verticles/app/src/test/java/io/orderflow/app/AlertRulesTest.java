package io.orderflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules ({@code config/prometheus/alerts.yml}), their promtool unit tests and the Grafana
 * dashboard ({@code config/grafana/orderflow.json}), checked with the real promtool.
 */
class AlertRulesTest {

  private static final Path ROOT = ProjectFiles.root();
  private static final Path ALERTS = ProjectFiles.alerts();
  private static final Path ALERT_TESTS = ProjectFiles.alertTests();

  /** Gauges read from the NATS server: every instance reports the same value, so summing double-counts. */
  private static final Pattern SERVER_SIDE_GAUGE = Pattern.compile("\\b(consumer_pending_messages|consumer_ack_pending_messages|dlq_messages)\\b");

  @TempDir
  Path tmp;

  // ---- alerts ------------------------------------------------------------------------------------

  @Test
  void promtoolAcceptsTheRuleFile() {
    Promtool.Result result = Promtool.run("check", "rules", ALERTS.toString());

    assertThat(result.exit()).as("promtool check rules %s:%n%s", ALERTS, result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  void promtoolUnitTestsOfTheAlertsPass() {
    Promtool.Result result = Promtool.run("test", "rules", ALERT_TESTS.toString());

    assertThat(result.exit()).as("promtool test rules %s:%n%s", ALERT_TESTS, result.output()).isZero();
  }

  @Test
  void everyAlertHasASeverityASummaryADescriptionAndARunbook() {
    assertThat(alerts()).extracting(Alert::name).isNotEmpty().doesNotHaveDuplicates();
    for (Alert alert : alerts()) {
      assertThat(alert.expr()).as("%s expr", alert.name()).isNotBlank();
      assertThat(alert.labels().get("severity")).as("%s severity", alert.name()).isIn("critical", "warning");
      for (String key : List.of("summary", "description", "runbook")) {
        assertThat(alert.annotations().get(key)).as("%s annotation %s", alert.name(), key).isNotBlank();
      }
    }
  }

  @Test
  void everyAlertHasACaseWhereItFiresAndOneWhereItStaysSilent() throws IOException {
    Map<String, List<Boolean>> cases = alertTestCases();
    for (Alert alert : alerts()) {
      assertThat(cases.getOrDefault(alert.name(), List.of()))
          .as("alert_rule_test cases of %s in %s (true: expected to fire)", alert.name(), ALERT_TESTS)
          .contains(true, false);
    }
  }

  /** A test that cannot fail is a defect: an alert that always fires, or never does, must break the unit tests. */
  @Test
  void theUnitTestsFailWhenAnAlertAlwaysOrNeverFires() throws IOException {
    Files.copy(ALERT_TESTS, tmp.resolve("alerts-test.yml"));
    List<String> survivors = new ArrayList<>();
    for (Alert alert : alerts()) {
      for (String mutant : List.of("vector(1)", "vector(1) == 0")) {
        Files.writeString(tmp.resolve("alerts.yml"), withExpr(alert, mutant), StandardCharsets.UTF_8);
        Promtool.Result valid = Promtool.run("check", "rules", tmp.resolve("alerts.yml").toString());
        assertThat(valid.exit()).as("%s with expr `%s` is a valid rule file:%n%s", alert.name(), mutant, valid.output()).isZero();
        Promtool.Result result = Promtool.run("test", "rules", tmp.resolve("alerts-test.yml").toString());
        if (result.exit() == 0) survivors.add(alert.name() + " with expr `" + mutant + "`");
      }
    }
    assertThat(survivors).as("mutated alerts the unit tests did not notice").isEmpty();
  }

  @Test
  void serverSideGaugesAreNeverSummedInAlerts() {
    for (Alert alert : alerts()) {
      if (SERVER_SIDE_GAUGE.matcher(alert.expr()).find()) {
        assertThat(alert.expr()).as("%s", alert.name()).doesNotContainPattern("\\bsum\\b").contains("max by (consumer)");
      }
    }
  }

  // ---- dashboard ---------------------------------------------------------------------------------

  @Test
  void dashboardIsImportableWithADataSourceOfTheUsersChoice() {
    JsonObject dashboard = ProjectFiles.dashboard();

    assertThat(dashboard.getString("uid")).isEqualTo("orderflow");
    assertThat(dashboard.getString("title")).isEqualTo("orderflow");
    assertThat(dashboard.getInteger("schemaVersion")).isEqualTo(39);
    assertThat(ProjectFiles.objects(dashboard.getJsonArray("__inputs")))
        .anySatisfy(input -> {
          assertThat(input.getString("name")).isEqualTo("DS_PROMETHEUS");
          assertThat(input.getString("type")).isEqualTo("datasource");
          assertThat(input.getString("pluginId")).isEqualTo("prometheus");
        });
    assertThat(ProjectFiles.objects(dashboard.getJsonObject("templating").getJsonArray("list")))
        .anySatisfy(variable -> {
          assertThat(variable.getString("name")).isEqualTo("datasource");
          assertThat(variable.getString("type")).isEqualTo("datasource");
          assertThat(variable.getString("query")).isEqualTo("prometheus");
        });
  }

  @Test
  void everyPanelQueriesTheSelectedDataSource() {
    List<JsonObject> panels = ProjectFiles.panels();
    assertThat(panels).isNotEmpty();
    for (JsonObject panel : panels) {
      String title = panel.getString("title");
      assertThat(title).isNotBlank();
      assertThat(panel.getString("description")).as("%s description", title).isNotBlank();
      assertThat(panel.getJsonObject("datasource").getString("uid")).as("%s datasource", title).isEqualTo("${datasource}");
      List<JsonObject> targets = ProjectFiles.objects(panel.getJsonArray("targets", new JsonArray()));
      assertThat(targets).as("%s targets", title).isNotEmpty();
      for (JsonObject target : targets) {
        assertThat(target.getString("expr")).as("%s expr", title).isNotBlank();
        assertThat(target.getString("refId")).as("%s refId", title).isNotBlank();
        JsonObject datasource = target.getJsonObject("datasource");
        if (datasource != null) assertThat(datasource.getString("uid")).as("%s target datasource", title).isEqualTo("${datasource}");
      }
      assertThat(targets).extracting(t -> t.getString("refId")).as("%s refIds", title).doesNotHaveDuplicates();
    }
  }

  @Test
  void panelsFitTheGridWithoutOverlapping() {
    List<JsonObject> panels = ProjectFiles.panels();
    for (JsonObject panel : panels) {
      JsonObject pos = panel.getJsonObject("gridPos");
      assertThat(pos.getInteger("x")).as("%s x", panel.getString("title")).isBetween(0, 23);
      assertThat(pos.getInteger("w")).as("%s w", panel.getString("title")).isPositive();
      assertThat(pos.getInteger("x") + pos.getInteger("w")).as("%s right edge", panel.getString("title")).isLessThanOrEqualTo(24);
      assertThat(pos.getInteger("y")).as("%s y", panel.getString("title")).isNotNegative();
      assertThat(pos.getInteger("h")).as("%s h", panel.getString("title")).isPositive();
    }
    for (int i = 0; i < panels.size(); i++) {
      for (int j = i + 1; j < panels.size(); j++) {
        JsonObject a = panels.get(i).getJsonObject("gridPos");
        JsonObject b = panels.get(j).getJsonObject("gridPos");
        boolean overlap = a.getInteger("x") < b.getInteger("x") + b.getInteger("w") && b.getInteger("x") < a.getInteger("x") + a.getInteger("w")
            && a.getInteger("y") < b.getInteger("y") + b.getInteger("h") && b.getInteger("y") < a.getInteger("y") + a.getInteger("h");
        assertThat(overlap).as("'%s' overlaps '%s'", panels.get(i).getString("title"), panels.get(j).getString("title")).isFalse();
      }
    }
  }

  /** Every query is valid PromQL once Grafana's variables are substituted: promtool parses them as recording rules. */
  @Test
  void everyPanelQueryIsValidPromQl() throws IOException {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (JsonObject panel : ProjectFiles.panels()) {
      for (JsonObject target : ProjectFiles.objects(panel.getJsonArray("targets"))) {
        String expr = ProjectFiles.substituted(target.getString("expr"));
        assertThat(expr).as("%s: only $__rate_interval, $__interval and $__range may be used", panel.getString("title")).doesNotContain("$");
        rules.append("      - record: dashboard:panel").append(panel.getInteger("id")).append('_').append(target.getString("refId")).append('\n')
            .append("        expr: ").append(Json.encode(expr)).append('\n');
      }
    }
    Path file = tmp.resolve("dashboard-queries.yml");
    Files.writeString(file, rules, StandardCharsets.UTF_8);

    Promtool.Result result = Promtool.run("check", "rules", file.toString());

    assertThat(result.exit()).as("promtool check rules on the dashboard's queries:%n%s%n%s", result.output(), rules).isZero();
  }

  @Test
  void serverSideGaugesAreNeverSummedInTheDashboard() {
    for (JsonObject panel : ProjectFiles.panels()) {
      for (JsonObject target : ProjectFiles.objects(panel.getJsonArray("targets"))) {
        String expr = target.getString("expr");
        if (SERVER_SIDE_GAUGE.matcher(expr).find()) {
          assertThat(expr).as("%s", panel.getString("title")).doesNotContainPattern("\\bsum\\b").startsWith("max by (consumer)");
        }
      }
    }
  }

  // ---- the rule files, read as YAML ----------------------------------------------------------------

  private static final YAMLMapper YAML = new YAMLMapper();

  /** One alerting rule of alerts.yml. */
  private record Alert(String name, String expr, Map<String, String> labels, Map<String, String> annotations) {}

  private static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file + " as YAML: " + e, e);
    }
  }

  /** Every rule with an {@code alert} name, in file order. */
  private static List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode group : yaml(ALERTS).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (!rule.hasNonNull("alert")) continue;
        alerts.add(new Alert(rule.get("alert").asText(), rule.path("expr").asText().strip(), strings(rule.path("labels")),
            strings(rule.path("annotations"))));
      }
    }
    return alerts;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** alerts.yml with one alert's expression replaced. */
  private static String withExpr(Alert alert, String expr) {
    JsonNode tree = yaml(ALERTS);
    for (JsonNode group : tree.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (alert.name().equals(rule.path("alert").asText())) ((ObjectNode) rule).put("expr", expr);
      }
    }
    try {
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Per alert name, one entry per alert_rule_test case: true when it expects alerts, false for {@code exp_alerts: []}. */
  private static Map<String, List<Boolean>> alertTestCases() {
    Map<String, List<Boolean>> cases = new LinkedHashMap<>();
    for (JsonNode test : yaml(ALERT_TESTS).path("tests")) {
      for (JsonNode c : test.path("alert_rule_test")) {
        cases.computeIfAbsent(c.path("alertname").asText(), k -> new ArrayList<>()).add(c.path("exp_alerts").size() > 0);
      }
    }
    return cases;
  }
}
