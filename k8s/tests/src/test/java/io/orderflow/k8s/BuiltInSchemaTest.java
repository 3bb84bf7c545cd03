package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every built-in object an overlay renders passes fabric8's model strictly (unknown fields and wrong types fail). */
class BuiltInSchemaTest {
  static final java.util.List<String> OVERLAYS = Manifests.OVERLAYS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void builtInKindsMatchTheirSchemas(String overlay) {
    assertThat(BuiltInSchemas.check(Manifests.overlay(overlay))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void anUnknownFieldIsReportedWithItsPath(String overlay) {
    Manifests broken = Manifests.overlay(overlay).edited(objects -> objects.stream()
        .filter(o -> Manifests.kindAndName(o).equals("Deployment orders")).findFirst().orElseThrow()
        .withObject("/spec/template/spec/containers/0").put("imagePullPolicyy", "Always"));
    assertThat(BuiltInSchemas.check(broken))
        .containsExactly("Deployment orders: /spec/template/spec/containers/0/imagePullPolicyy: unknown field");
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void theBackupsCronJobAndVolumeClaimAreCheckedToo(String overlay) {
    Manifests broken = Manifests.overlay(overlay).edited(objects -> {
      CustomResourceSchemaTest.find(objects, "CronJob orderflow-backup").withObject("/spec/jobTemplate/spec").put("activeDeadlineSecond", 1800);
      CustomResourceSchemaTest.find(objects, "PersistentVolumeClaim orderflow-backups").withObject("/spec").put("accessMode", "ReadWriteOnce");
    });
    assertThat(BuiltInSchemas.check(broken)).containsExactlyInAnyOrder(
        "CronJob orderflow-backup: /spec/jobTemplate/spec/activeDeadlineSecond: unknown field",
        "PersistentVolumeClaim orderflow-backups: /spec/accessMode: unknown field");
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void aWrongTypeIsReported(String overlay) {
    Manifests broken = Manifests.overlay(overlay).edited(objects -> objects.stream()
        .filter(o -> Manifests.kindAndName(o).equals("StatefulSet nats")).findFirst().orElseThrow()
        .withObject("/spec").put("replicas", "three"));
    assertThat(BuiltInSchemas.check(broken)).singleElement().asString().startsWith("StatefulSet nats: /spec/replicas: ");
  }
}
