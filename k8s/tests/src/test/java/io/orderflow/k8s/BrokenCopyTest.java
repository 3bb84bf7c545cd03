package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of k8s/ and config/ with one deliberate mistake in a source file, rendered by Kustomize like the real one:
 * the validators must name that mistake. An unmodified copy passes, so the failures come from the mistakes alone.
 */
class BrokenCopyTest {
  @TempDir
  Path copy;

  @BeforeEach
  void copyTheManifests() throws IOException {
    Path root = ProjectRoot.get();
    for (String dir : new String[] {"k8s/base", "k8s/overlays", "config"}) {
      Path from = root.resolve(dir);
      try (Stream<Path> files = Files.walk(from)) {
        for (Path f : files.toList()) {
          Path to = copy.resolve(dir).resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) Files.createDirectories(to);
          else Files.copy(f, to);
        }
      }
    }
  }

  @Test
  void theUnmodifiedCopyPasses() {
    LauncherSettings settings = LauncherSettings.of(ProjectRoot.get());
    for (String overlay : Manifests.OVERLAYS) {
      Manifests m = render(overlay);
      assertThat(BuiltInSchemas.check(m)).isEmpty();
      assertThat(CustomResourceSchemas.check(m)).isEmpty();
      assertThat(PodPolicy.check(m)).isEmpty();
      assertThat(EnvironmentPolicy.check(m, settings)).isEmpty();
      assertThat(WiringPolicy.check(m)).isEmpty();
      assertThat(ScalingPolicy.check(m)).isEmpty();
      assertThat(NetworkPolicyTest.allowed(m)).isEqualTo(NetworkPolicyTest.allowed(Manifests.overlay(overlay)));
    }
  }

  @Test
  void anUnknownFieldFailsStrictSchemaValidation() throws IOException {
    edit("k8s/base/services/orders.yaml", "          image: orderflow:latest\n",
        "          image: orderflow:latest\n          imagePullPolicyy: IfNotPresent\n");
    assertThat(BuiltInSchemas.check(render("prod")))
        .containsExactly("Deployment orders: /spec/template/spec/containers/0/imagePullPolicyy: unknown field");
  }

  @Test
  void anUnknownFieldInACustomResourceFailsItsCrd() throws IOException {
    edit("k8s/overlays/prod/scaledobject-notifications.yaml", "  pollingInterval: 30\n", "  pollingInterval: 30\n  cooldownPeriods: 300\n");
    assertThat(CustomResourceSchemas.check(render("prod")))
        .containsExactly("ScaledObject notifications: /spec/cooldownPeriods: unknown field (keda.sh_scaledobjects.yaml)");
  }

  @Test
  void aProbeOnAWrongPortFailsThePodPolicy() throws IOException {
    edit("k8s/base/common/service-pod.yaml", "          readinessProbe:\n            httpGet:\n              path: /ready\n              port: mgmt\n",
        "          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 9081\n");
    assertThat(PodPolicy.check(render("dev"))).containsExactlyInAnyOrder(
        "Deployment orders container app: readinessProbe on port 9081, which the container does not declare",
        "Deployment inventory container app: readinessProbe on port 9081, which the container does not declare",
        "Deployment payments container app: readinessProbe on port 9081, which the container does not declare",
        "Deployment notifications container app: readinessProbe on port 9081, which the container does not declare",
        "Deployment audit container app: readinessProbe on port 9081, which the container does not declare");
  }

  @Test
  void aMissingLimitFailsThePodPolicy() throws IOException {
    edit("k8s/base/services/orders.yaml", "            limits:\n              cpu: \"2\"\n              memory: 1Gi\n",
        "            limits:\n              cpu: \"2\"\n");
    assertThat(PodPolicy.check(render("prod"))).containsExactly("Deployment orders container app: no limits.memory");
  }

  @Test
  void aBackupOffItsVolumeFailsThePodPolicy() throws IOException {
    edit("k8s/base/backup/cronjob.yaml", "                - name: backups\n                  mountPath: /backups\n",
        "                - name: backups\n                  mountPath: /var/backups\n");
    for (String overlay : Manifests.OVERLAYS) {
      assertThat(PodPolicy.check(render(overlay))).as(overlay).containsExactly(
          "CronJob orderflow-backup container backup: backs up into /backups, which is not on a PersistentVolumeClaim (the backups would vanish with the pod)");
    }
  }

  @Test
  void overlappingBackupsAndAWrongClaimFailThePolicies() throws IOException {
    edit("k8s/base/backup/cronjob.yaml", "  concurrencyPolicy: Forbid\n", "  concurrencyPolicy: Replace\n");
    edit("k8s/base/backup/cronjob.yaml", "                claimName: orderflow-backups\n", "                claimName: orderflow-backup\n");
    Manifests prod = render("prod");
    assertThat(PodPolicy.check(prod)).containsExactly("CronJob orderflow-backup: concurrencyPolicy is Replace, not Forbid");
    assertThat(WiringPolicy.check(prod)).containsExactly(
        "CronJob orderflow-backup: volume backups mounts PersistentVolumeClaim orderflow-backup, which the overlay does not have");
  }

  @Test
  void aBackupWithoutItsNatsFlowLosesIt() throws IOException {
    edit("k8s/base/network/nats.yaml", "values: [\"service\", \"provisioner\", \"backup\"]", "values: [\"service\", \"provisioner\"]");
    assertThat(NetworkPolicyTest.allowed(render("prod"))).doesNotContain("backup -> nats:4222/TCP").contains("provision -> nats:4222/TCP");
  }

  @Test
  void oneReplicaForProdStreamsFailsTheProdPolicy() throws IOException {
    edit("k8s/overlays/prod/provision-replicas.yaml", "value: \"3\"", "value: \"1\"");
    assertThat(ProdPolicy.check(render("prod"))).containsExactly("Job orderflow-provision: ORDERFLOW_NATS_REPLICAS is 1, expected 3");
  }

  private Manifests render(String overlay) {
    return Manifests.render(copy.resolve("k8s/overlays").resolve(overlay));
  }

  /** Replaces text that must be there: a source that changed shape fails here rather than testing nothing. */
  private void edit(String file, String from, String to) throws IOException {
    Path f = copy.resolve(file);
    String text = Files.readString(f);
    assertThat(text).as(file).contains(from);
    Files.writeString(f, text.replace(from, to));
  }
}
