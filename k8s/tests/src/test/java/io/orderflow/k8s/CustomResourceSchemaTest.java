package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** KEDA and Prometheus Operator objects against their CRDs' published schemas, with the API server's strictness. */
class CustomResourceSchemaTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void everyCustomResourceMatchesItsCrd(String overlay) {
    assertThat(CustomResourceSchemas.check(Manifests.overlay(overlay))).isEmpty();
  }

  @Test
  void prodHasTheCustomResourcesItNeeds() {
    Manifests prod = Manifests.overlay("prod");
    assertThat(prod.ofKind("ScaledObject")).hasSize(2);
    assertThat(prod.ofKind("ServiceMonitor")).hasSize(1);
    assertThat(prod.ofKind("PrometheusRule")).hasSize(1);
  }

  @Test
  void anUnknownFieldInAScaledObjectIsRejected() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> find(objects, "ScaledObject payments")
        .withObject("/spec").put("pollingIntervall", 30));
    assertThat(CustomResourceSchemas.check(broken)).containsExactly(
        "ScaledObject payments: /spec/pollingIntervall: unknown field (keda.sh_scaledobjects.yaml)");
  }

  @Test
  void aTriggerValueThatIsNotAStringIsRejected() {
    // KEDA's trigger metadata is map[string]string: an unquoted threshold is refused by the API server.
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((ObjectNode) find(objects, "ScaledObject notifications")
        .at("/spec/triggers/0/metadata")).put("lagThreshold", 1000));
    assertThat(CustomResourceSchemas.check(broken)).singleElement().asString()
        .startsWith("ScaledObject notifications: /spec/triggers/0/metadata/lagThreshold: ");
  }

  @Test
  void aServiceMonitorWithoutASelectorIsRejected() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> find(objects, "ServiceMonitor orderflow")
        .withObject("/spec").remove("selector"));
    assertThat(CustomResourceSchemas.check(broken)).singleElement().asString().contains("selector");
  }

  @Test
  void anUnknownMetadataFieldIsRejected() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> find(objects, "PrometheusRule orderflow")
        .withObject("/metadata").put("lables", "x"));
    assertThat(CustomResourceSchemas.check(broken)).containsExactly("PrometheusRule orderflow: /metadata/lables: unknown field");
  }

  @Test
  void aKindWithoutASchemaIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> find(objects, "ServiceMonitor orderflow").put("kind", "PodMonitor"));
    assertThat(CustomResourceSchemas.check(broken)).containsExactly(
        "PodMonitor orderflow: no schema for monitoring.coreos.com/v1/PodMonitor (neither built in nor a vendored CRD)");
  }

  @Test
  void theVendoredCrdsHaveNoCelRulesThatThisValidatorWouldSkip() {
    // x-kubernetes-validations (CEL) are not evaluated here; should an updated CRD bring some, say so in k8s/README.md.
    assertThat(CustomResourceSchemas.celRules()).allSatisfy((kind, rules) -> assertThat(rules).as(kind).isZero());
  }

  static ObjectNode find(List<ObjectNode> objects, String kindAndName) {
    return objects.stream().filter(o -> Manifests.kindAndName(o).equals(kindAndName)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kindAndName));
  }
}
