package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Probes, resources, the hardened context, the stop sequence and the launcher command of every pod. */
class PodPolicyTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void everyPodFollowsThePolicy(String overlay) {
    assertThat(PodPolicy.check(Manifests.overlay(overlay))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void everyServiceRunsOnceWithItsOwnName(String overlay) {
    List<String> services = Manifests.overlay(overlay).workloads().stream()
        .flatMap(w -> w.containers().stream())
        .filter(c -> Containers.command(c).equals("service"))
        .map(c -> Containers.args(c).get(1)).sorted().toList();
    assertThat(services).containsExactly("audit", "inventory", "notifications", "orders", "payments");
  }

  @Test
  void theProbedPathsAreTheOnesTheManagementServerServes() throws IOException {
    Path source = ProjectRoot.get().resolve("verticles/runtime/src/main/java/io/orderflow/runtime/http/ManagementServer.java");
    String code = Files.readString(source);
    assertThat(code).contains("router.get(\"" + PodPolicy.LIVENESS_PATH + "\")", "router.get(\"" + PodPolicy.READINESS_PATH + "\")");
  }

  @Test
  void aReadinessProbeOnTheWrongPortIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> container(objects, "Deployment payments")
        .withObject("/readinessProbe/httpGet").put("port", "http"));
    assertThat(PodPolicy.check(broken)).containsExactly(
        "Deployment payments container app: readinessProbe on port 8080 (the public port), not the management port 9080");
  }

  @Test
  void aProbeOnAnUndeclaredPortIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> container(objects, "StatefulSet nats")
        .withObject("/livenessProbe/httpGet").put("port", 8223));
    assertThat(PodPolicy.check(broken)).containsExactly(
        "StatefulSet nats container nats: livenessProbe on port 8223, which the container does not declare");
  }

  @Test
  void aMissingLimitIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> container(objects, "Deployment psp-sim")
        .withObject("/resources/limits").remove("memory"));
    assertThat(PodPolicy.check(broken)).containsExactly("Deployment psp-sim container psp-sim: no limits.memory");
  }

  @Test
  void aGracePeriodShorterThanTheStopSequenceIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> CustomResourceSchemaTest.find(objects, "Deployment audit")
        .withObject("/spec/template/spec").put("terminationGracePeriodSeconds", 55));
    assertThat(PodPolicy.check(broken)).containsExactly(
        "Deployment audit container app: terminationGracePeriodSeconds 55 is not longer than preStop 10 s + drain 30 s + 15 s = 55 s");
  }

  @Test
  void aWritableRootFilesystemIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> container(objects, "Job orderflow-provision")
        .withObject("/securityContext").put("readOnlyRootFilesystem", false));
    assertThat(PodPolicy.check(broken)).containsExactly("Job orderflow-provision container provision: readOnlyRootFilesystem is not true");
  }

  @Test
  void theProductionImageCannotRunDevTools() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> container(objects, "Deployment smtp-sink").put("image", "orderflow:latest"));
    assertThat(PodPolicy.check(broken)).containsExactly(
        "Deployment smtp-sink container smtp-sink: image orderflow runs [smtp-sink], not one of [backup, provision, service]");
  }

  @Test
  void aServiceStartedUnderAnotherNameIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> container(objects, "Deployment inventory")
        .putArray("args").add("services").add("inventory"));
    assertThat(PodPolicy.check(broken)).anySatisfy(v -> assertThat(v).startsWith(
        "Deployment inventory container app: image orderflow runs [services, inventory]"));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void theBackupCronJobRunsTheBackupHardenedAndOnItsVolume(String overlay) {
    Manifests.Workload backup = Manifests.overlay(overlay).workload("CronJob", "orderflow-backup").orElseThrow();
    ObjectNode c = backup.containers().get(0);
    assertThat(Containers.imageName(c)).isEqualTo(Containers.IMAGE);
    assertThat(Containers.args(c)).containsExactly("backup", "--into", "/backups", "--keep", "48");
    assertThat(backup.podSpec().at("/volumes").findValuesAsText("claimName")).containsExactly("orderflow-backups");
    assertThat(backup.podSpec().at("/securityContext/fsGroup").asInt()).as("the volume writable for uid 10001").isEqualTo(10001);
  }

  @Test
  void theCronJobsPodTemplateIsCheckedLikeEveryOther() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> {
      ObjectNode c = cronJobContainer(objects, "CronJob orderflow-backup");
      c.withObject("/securityContext").put("readOnlyRootFilesystem", false);
      c.withObject("/securityContext/capabilities").putArray("drop");
      c.withObject("/resources/limits").remove("cpu");
      ObjectNode pod = CustomResourceSchemaTest.find(objects, "CronJob orderflow-backup").withObject("/spec/jobTemplate/spec/template/spec");
      pod.withObject("/securityContext").put("runAsUser", 0).put("runAsNonRoot", false);
      pod.withObject("/securityContext/seccompProfile").put("type", "Unconfined");
      pod.put("automountServiceAccountToken", true);
    });
    assertThat(PodPolicy.check(broken)).containsExactlyInAnyOrder(
        "CronJob orderflow-backup: automountServiceAccountToken is not false (no pod here talks to the Kubernetes API)",
        "CronJob orderflow-backup container backup: no limits.cpu",
        "CronJob orderflow-backup container backup: runAsNonRoot is not true",
        "CronJob orderflow-backup container backup: runs as uid 0",
        "CronJob orderflow-backup container backup: seccompProfile is not RuntimeDefault",
        "CronJob orderflow-backup container backup: readOnlyRootFilesystem is not true",
        "CronJob orderflow-backup container backup: capabilities.drop does not contain ALL");
  }

  @Test
  void overlappingOrEndlessBackupRunsAreReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> {
      ObjectNode cronJob = CustomResourceSchemaTest.find(objects, "CronJob orderflow-backup");
      cronJob.withObject("/spec").remove("concurrencyPolicy");
      cronJob.withObject("/spec/jobTemplate/spec").remove("activeDeadlineSeconds");
    });
    assertThat(PodPolicy.check(broken)).containsExactlyInAnyOrder(
        "CronJob orderflow-backup: no activeDeadlineSeconds",
        "CronJob orderflow-backup: concurrencyPolicy is Allow (the default), not Forbid");
  }

  @Test
  void aBackupOffThePersistentVolumeIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> cronJobContainer(objects, "CronJob orderflow-backup")
        .putArray("args").add("backup").add("--into").add("/tmp/backups").add("--keep").add("48"));
    assertThat(PodPolicy.check(broken)).containsExactly(
        "CronJob orderflow-backup container backup: backs up into /tmp/backups, which is not on a PersistentVolumeClaim (the backups would vanish with the pod)");
  }

  @Test
  void aBackupThatNeverPrunesOrReusesOneDirectoryIsReported() {
    for (String[] args : List.of(new String[] {"backup", "--into", "/backups"}, new String[] {"backup", "--to", "/backups/latest"},
        new String[] {"backup", "--into", "/backups", "--keep", "0"})) {
      Manifests broken = Manifests.overlay("prod").edited(objects -> {
        var array = cronJobContainer(objects, "CronJob orderflow-backup").putArray("args");
        for (String a : args) array.add(a);
      });
      assertThat(PodPolicy.check(broken)).as(String.join(" ", args)).containsExactly("CronJob orderflow-backup container backup: args "
          + List.of(args) + ", expected [backup, --into, <directory on the backup volume>, --keep, <backups to keep, at least 1>]");
    }
  }

  @Test
  void aOneShotCommandInADeploymentIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> container(objects, "Deployment audit").putArray("args").add("provision"));
    assertThat(PodPolicy.check(broken)).contains("Deployment audit container app: runs provision, which ends by itself, outside a Job or CronJob");
  }

  static ObjectNode cronJobContainer(List<ObjectNode> objects, String cronJob) {
    return (ObjectNode) CustomResourceSchemaTest.find(objects, cronJob).at("/spec/jobTemplate/spec/template/spec/containers/0");
  }

  static ObjectNode container(List<ObjectNode> objects, String workload) {
    return (ObjectNode) CustomResourceSchemaTest.find(objects, workload).at("/spec/template/spec/containers/0");
  }
}
