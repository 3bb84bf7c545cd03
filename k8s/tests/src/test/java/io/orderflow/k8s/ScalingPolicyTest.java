package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Shared consumers scale on backlog (payments only while its breaker is closed), single writers never, the API on CPU. */
class ScalingPolicyTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void autoscalingFollowsThePolicy(String overlay) {
    assertThat(ScalingPolicy.check(Manifests.overlay(overlay))).isEmpty();
  }

  @Test
  void prodScalesTheApiOnCpuAndTheSharedConsumersOnBacklog() {
    Manifests prod = Manifests.overlay("prod");
    assertThat(prod.ofKind("HorizontalPodAutoscaler")).singleElement()
        .satisfies(hpa -> assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("orders"))
        .satisfies(hpa -> assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu"))
        .satisfies(hpa -> assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2));
    assertThat(prod.ofKind("ScaledObject")).extracting(so -> so.at("/spec/scaleTargetRef/name").asText())
        .containsExactlyInAnyOrder("payments", "notifications");
    assertThat(prod.ofKind("ScaledObject")).allSatisfy(so -> assertThat(so.at("/spec/minReplicaCount").asInt()).isGreaterThanOrEqualTo(2));
    assertThat(Manifests.overlay("dev").ofKind("ScaledObject")).isEmpty();
  }

  @Test
  void theMetricsTheTriggersQueryAreOnesTheServicesExport() throws IOException {
    StringBuilder sources = new StringBuilder();
    try (Stream<java.nio.file.Path> files = Files.walk(ProjectRoot.get().resolve("verticles"))) {
      for (var f : files.filter(p -> p.toString().contains("/src/main/") && p.toString().endsWith(".java")).toList()) sources.append(Files.readString(f));
    }
    Pattern metric = Pattern.compile("\\b(consumer_[a-z_]+|circuit_breaker_[a-z_]+)\\{");
    List<String> names = Manifests.overlay("prod").ofKind("ScaledObject").stream()
        .map(so -> so.at("/spec/triggers/0/metadata/query").asText())
        .flatMap(q -> { Matcher x = metric.matcher(q); return x.results().map(r -> r.group(1)); })
        .distinct().toList();
    assertThat(names).containsExactlyInAnyOrder("consumer_pending_messages", "circuit_breaker_state");
    // Micrometer's Prometheus names: the registered name with dots as underscores.
    assertThat(names).allSatisfy(n -> assertThat(sources).contains("\"" + n.replace('_', '.') + "\""));
  }

  @Test
  void aSingleWriterUnderAnAutoscalerIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> CustomResourceSchemaTest.find(objects, "ScaledObject notifications")
        .withObject("/spec/scaleTargetRef").put("name", "audit"));
    assertThat(ScalingPolicy.check(broken)).contains(
        "ScaledObject notifications: scales audit, a single writer (one active instance: more replicas add no throughput)",
        "ScaledObject notifications: scales audit on backlog, but only [notifications, payments] share their consumers across instances");
  }

  @Test
  void anUngatedBacklogTriggerForPaymentsIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> {
      ObjectNode trigger = (ObjectNode) CustomResourceSchemaTest.find(objects, "ScaledObject payments").at("/spec/triggers/0");
      trigger.put("type", "nats-jetstream");
      trigger.putObject("metadata").put("stream", "INVENTORY").put("consumer", "payments-reserved").put("lagThreshold", "1000");
    });
    assertThat(ScalingPolicy.check(broken)).containsExactly(
        "ScaledObject payments: trigger nats-jetstream is not gated on circuit_breaker_state{state=\"closed\"} (a paused consumer's backlog would scale it out)");
  }

  @Test
  void aTriggerLookingIntoAnotherNamespaceIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((ObjectNode) CustomResourceSchemaTest
        .find(objects, "ScaledObject notifications").at("/spec/triggers/0/metadata"))
        .put("natsServerMonitoringEndpoint", "nats-headless.orderflow-dev.svc.cluster.local:8222"));
    assertThat(ScalingPolicy.check(broken)).containsExactly(
        "ScaledObject notifications: natsServerMonitoringEndpoint names Service nats-headless in namespace orderflow-dev, not orderflow");
  }

  @Test
  void aFixedReplicaCountUnderAnAutoscalerIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> CustomResourceSchemaTest.find(objects, "Deployment orders")
        .withObject("/spec").put("replicas", 2));
    assertThat(ScalingPolicy.check(broken)).containsExactly(
        "Deployment orders: sets spec.replicas although HorizontalPodAutoscaler orders scales it (every apply would reset the count)");
  }
}
