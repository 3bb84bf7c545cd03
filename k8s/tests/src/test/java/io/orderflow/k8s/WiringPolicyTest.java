package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Selectors and references between the rendered objects resolve to what they mean. */
class WiringPolicyTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void selectorsAndReferencesMatch(String overlay) {
    assertThat(WiringPolicy.check(Manifests.overlay(overlay))).isEmpty();
  }

  @Test
  void aPdbSelectingNothingIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> CustomResourceSchemaTest.find(objects, "PodDisruptionBudget orders")
        .withObject("/spec/selector/matchLabels").put("app.kubernetes.io/name", "order"));
    assertThat(WiringPolicy.check(broken)).containsExactly(
        "PodDisruptionBudget orders: its selector matches 0 workloads, expected exactly one",
        "Deployment orders: no PodDisruptionBudget selects its pods");
  }

  @Test
  void aServiceSelectingNothingIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> CustomResourceSchemaTest.find(objects, "Service audit")
        .withObject("/spec/selector").put("app.kubernetes.io/component", "services"));
    assertThat(WiringPolicy.check(broken)).containsExactly("Service audit: its selector matches no workload");
  }

  @Test
  void aServicePortTargetingAnUndeclaredPortIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> ((com.fasterxml.jackson.databind.node.ObjectNode)
        CustomResourceSchemaTest.find(objects, "Service nats").at("/spec/ports/0")).put("targetPort", "clients"));
    assertThat(WiringPolicy.check(broken)).containsExactly("Service nats: port client targets clients, which StatefulSet nats does not declare");
  }

  @Test
  void aVolumeClaimThatDoesNotExistIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((com.fasterxml.jackson.databind.node.ObjectNode)
        CustomResourceSchemaTest.find(objects, "CronJob orderflow-backup").at("/spec/jobTemplate/spec/template/spec/volumes/2/persistentVolumeClaim"))
        .put("claimName", "orderflow-backup"));
    assertThat(WiringPolicy.check(broken)).containsExactly(
        "CronJob orderflow-backup: volume backups mounts PersistentVolumeClaim orderflow-backup, which the overlay does not have");
  }

  @Test
  void anIngressBackendThatDoesNotExistIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((com.fasterxml.jackson.databind.node.ObjectNode)
        CustomResourceSchemaTest.find(objects, "Ingress orderflow-api").at("/spec/rules/0/http/paths/0/backend/service/port")).put("name", "mgmt-http"));
    assertThat(WiringPolicy.check(broken)).containsExactly(
        "Ingress orderflow-api: /orders goes to Service orders port mgmt-http, which the overlay does not have");
  }
}
