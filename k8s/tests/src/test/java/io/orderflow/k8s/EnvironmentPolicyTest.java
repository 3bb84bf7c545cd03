package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Each environment variable a manifest sets is a setting the launcher reads; references resolve. */
class EnvironmentPolicyTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;
  static LauncherSettings settings;
  static String mainSources;

  @BeforeAll
  static void readSettingsAndSources() throws IOException {
    Path root = ProjectRoot.get();
    settings = LauncherSettings.of(root);
    try (Stream<Path> files = Files.walk(root.resolve("verticles"))) {
      mainSources = files.filter(f -> f.toString().contains("/src/main/") && Files.isRegularFile(f))
          .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".xml"))
          .map(EnvironmentPolicyTest::read).collect(Collectors.joining("\n"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void everyVariableIsASettingAndEveryReferenceResolves(String overlay) {
    assertThat(EnvironmentPolicy.check(Manifests.overlay(overlay), settings)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void theLauncherReallyReadsEveryVariableTheManifestsSet(String overlay) {
    assertThat(EnvironmentPolicy.variablesSet(Manifests.overlay(overlay))).allSatisfy(variable -> {
      String evidence = settings.evidenceFor(variable).orElseThrow();
      if (!evidence.isEmpty()) assertThat(mainSources).as(variable + " is read: verticles/ mentions " + evidence).contains(evidence);
    });
  }

  @Test
  void theReadmeSaysHowToCreateEveryReferencedSecret() throws IOException {
    String readme = Files.readString(ProjectRoot.get().resolve("k8s/README.md"));
    assertThat(EnvironmentPolicy.DOCUMENTED_SECRETS).allSatisfy(secret -> assertThat(readme).contains("`" + secret + "`"));
  }

  @Test
  void propertyKeysMapToTheirEnvironmentNames() {
    assertThat(LauncherSettings.envName("shutdown.timeout")).isEqualTo("ORDERFLOW_SHUTDOWN_TIMEOUT");
    assertThat(LauncherSettings.envName("auth.jwt.jwks")).isEqualTo("ORDERFLOW_AUTH_JWT_JWKS");
    assertThat(LauncherSettings.envName("consumer.max-ack-pending")).isEqualTo("ORDERFLOW_CONSUMER_MAX_ACK_PENDING");
    assertThat(LauncherSettings.envName("nats.url")).isEqualTo("NATS_URL");
    assertThat(settings.knows("ORDERFLOW_NATS_PROVISIONER_PASSWORD")).isTrue();
    assertThat(settings.knows("OTEL_EXPORTER_OTLP_ENDPOINT")).isTrue();
    assertThat(settings.knows("ORDERFLOW_SHUTDOWN_TIMEOUT")).isTrue();
    assertThat(settings.knows("ORDERFLOW_SHUTDOWN_TIMEOUTS")).isFalse();
  }

  @Test
  void aVariableTheLauncherDoesNotReadIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> PodPolicyTest.container(objects, "Deployment payments")
        .withArray("env").addObject().put("name", "ORDERFLOW_PSP_TIMEOUT").put("value", "5s"));
    assertThat(EnvironmentPolicy.check(broken, settings)).containsExactly(
        "Deployment payments container app: sets ORDERFLOW_PSP_TIMEOUT (value), which the launcher does not read");
  }

  @Test
  void aMissingConfigMapKeyIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> {
      for (var e : PodPolicyTest.container(objects, "Deployment notifications").withArray("env")) {
        if (e.path("name").asText().equals("ORDERFLOW_SMTP_HOST")) ((com.fasterxml.jackson.databind.node.ObjectNode) e.at("/valueFrom/configMapKeyRef")).put("key", "smtp-hostname");
      }
    });
    assertThat(EnvironmentPolicy.check(broken, settings)).singleElement().asString()
        .startsWith("Deployment notifications container app: ORDERFLOW_SMTP_HOST refers to ConfigMap orderflow-endpoints-")
        .endsWith(" key smtp-hostname, which the overlay does not have");
  }

  @Test
  void theBackupsVariablesAreCheckedToo() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> PodPolicyTest.cronJobContainer(objects, "CronJob orderflow-backup")
        .withArray("env").addObject().put("name", "ORDERFLOW_BACKUP_KEEP").put("value", "48"));
    assertThat(EnvironmentPolicy.check(broken, settings)).containsExactly(
        "CronJob orderflow-backup container backup: sets ORDERFLOW_BACKUP_KEEP (value), which the launcher does not read");
  }

  @Test
  void anotherIdentitysPasswordIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> PodPolicyTest.cronJobContainer(objects, "CronJob orderflow-backup")
        .withArray("env").addObject().put("name", "ORDERFLOW_NATS_PROVISIONER_PASSWORD").putObject("valueFrom").putObject("secretKeyRef")
        .put("name", "orderflow-nats").put("key", "ORDERFLOW_NATS_PROVISIONER_PASSWORD"));
    assertThat(EnvironmentPolicy.check(broken, settings)).containsExactly(
        "CronJob orderflow-backup container backup: gets the password of NATS identity provisioner, which `backup --into /backups --keep 48` does not connect as");
  }

  @Test
  void aMissingOwnPasswordIsReported() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> PodPolicyTest.cronJobContainer(objects, "CronJob orderflow-backup").remove("env"));
    assertThat(EnvironmentPolicy.check(broken, settings)).containsExactly(
        "CronJob orderflow-backup container backup: `backup --into /backups --keep 48` connects as backup but gets no ORDERFLOW_NATS_BACKUP_PASSWORD");
  }

  @Test
  void eachCommandConnectsAsItsOwnIdentities() {
    assertThat(EnvironmentPolicy.identities(List.of("service", "orders"))).containsExactlyInAnyOrder("ORDERS", "OPS");
    assertThat(EnvironmentPolicy.identities(List.of("service", "audit"))).containsExactly("AUDIT");
    assertThat(EnvironmentPolicy.identities(List.of("provision"))).containsExactly("PROVISIONER");
    assertThat(EnvironmentPolicy.identities(List.of("backup", "--into", "/backups"))).containsExactly("BACKUP");
    assertThat(EnvironmentPolicy.identities(List.of("restore", "--from", "/backups/x"))).containsExactly("RESTORE");
    assertThat(EnvironmentPolicy.identities(List.of("psp-sim"))).isEmpty();
    // Every identity named here is one config/nats/identities.conf defines.
    for (String identity : List.of("ORDERS", "OPS", "AUDIT", "PROVISIONER", "BACKUP")) {
      assertThat(settings.knows("ORDERFLOW_NATS_" + identity + "_PASSWORD")).as(identity).isTrue();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
