package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The repository's config/ files reach the cluster unchanged: the ConfigMaps are generated from them, and the one
 * copy Kustomize cannot avoid (the PrometheusRule wraps config/prometheus/alerts.yml) is equal to its source.
 */
class ConfigurationTest {
  private final Path root = ProjectRoot.get();

  @Test
  void thePrometheusRuleCarriesExactlyTheAlertsOfConfigPrometheus() throws IOException {
    JsonNode source = Manifests.YAML.readTree(root.resolve("config/prometheus/alerts.yml").toFile()).path("groups");
    for (String overlay : Manifests.OVERLAYS) {
      JsonNode copy = Manifests.overlay(overlay).get("PrometheusRule", "orderflow").at("/spec/groups");
      assertThat(copy).as("k8s/base/monitoring/prometheusrule.yaml vs config/prometheus/alerts.yml").isEqualTo(source);
    }
  }

  @Test
  void theScrapeJobIsTheOneTheAlertsSelect() throws IOException {
    String alerts = Files.readString(root.resolve("config/prometheus/alerts.yml"));
    assertThat(alerts).contains("up{job=\"orderflow\"}");
    Manifests prod = Manifests.overlay("prod");
    String jobLabel = prod.get("ServiceMonitor", "orderflow").at("/spec/jobLabel").asText();
    prod.ofKind("Service").stream()
        .filter(s -> WiringPolicy.selects(prod.get("ServiceMonitor", "orderflow").at("/spec/selector"), Manifests.stringMap(s.at("/metadata/labels"))))
        .forEach(s -> assertThat(s.at("/metadata/labels").path(jobLabel).asText()).as(Manifests.kindAndName(s)).isEqualTo("orderflow"));
  }

  @Test
  void theConfigMapsAreTheRepositorysFiles() throws IOException {
    for (String overlay : Manifests.OVERLAYS) {
      Manifests m = Manifests.overlay(overlay);
      assertThat(m.generatedConfigMap("orderflow-config")).containsExactly(Map.entry("orderflow.properties", read("config/orderflow.properties")));
      assertThat(m.generatedConfigMap("nats-identities")).containsExactly(Map.entry("identities.conf", read("config/nats/identities.conf")));
      assertThat(m.get("ConfigMap", "orderflow-grafana-dashboard").at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
      assertThat(m.generatedConfigMap("orderflow-grafana-dashboard")).containsExactly(Map.entry("orderflow.json", read("config/grafana/orderflow.json")));
    }
    assertThat(Manifests.overlay("dev").generatedConfigMap("orderflow-demo-catalog"))
        .containsExactly(Map.entry("demo-catalog.json", read("config/demo-catalog.json")));
    assertThat(Manifests.overlay("prod").ofKind("ConfigMap")).noneMatch(cm -> Manifests.name(cm).startsWith("orderflow-demo-catalog"));
  }

  @Test
  void theServicesSendTracesWhereTheCollectorListens() throws IOException {
    for (String overlay : Manifests.OVERLAYS) {
      Manifests m = Manifests.overlay(overlay);
      JsonNode collector = Manifests.YAML.readTree(m.generatedConfigMap("otel-collector-config").get("collector.yaml"));
      String receiver = collector.at("/receivers/otlp/protocols/http/endpoint").asText();
      int port = Integer.parseInt(receiver.substring(receiver.lastIndexOf(':') + 1));
      URI endpoint = URI.create(m.generatedConfigMap("orderflow-service-env").get("OTEL_EXPORTER_OTLP_ENDPOINT"));
      JsonNode service = m.get("Service", endpoint.getHost());
      assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(endpoint.getPort());
      JsonNode pod = m.workload("Deployment", "otel-collector").orElseThrow().containers().get(0);
      assertThat(Containers.resolvePort(pod, service.at("/spec/ports/0/targetPort"))).contains(port);
      // Every component a pipeline names is configured.
      for (JsonNode pipeline : collector.at("/service/pipelines")) {
        for (String kind : new String[] {"receivers", "processors", "exporters"}) {
          pipeline.path(kind).forEach(c -> assertThat(collector.path(kind).has(c.asText())).as(kind + " " + c.asText()).isTrue());
        }
      }
    }
  }

  private String read(String file) throws IOException {
    return Files.readString(root.resolve(file));
  }
}
