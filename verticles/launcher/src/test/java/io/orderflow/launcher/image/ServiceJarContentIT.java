package io.orderflow.launcher.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The production jar Maven built is the one the images run, and holds the services and nothing for development. */
class ServiceJarContentIT {
  static final Path JAR = serviceJar();

  static Path serviceJar() {
    String fromMaven = System.getProperty("orderflow.serviceJar");
    return (fromMaven != null ? Path.of(fromMaven) : ProjectFiles.root().resolve(ProjectFiles.serviceJar())).toAbsolutePath().normalize();
  }

  @Test
  void theDockerfileCopiesTheJarMavenBuilt() {
    Dockerfile df = ProjectFiles.dockerfile();
    String inImage = df.defaultTarget().entrypoint().orElseThrow().argv().getLast();
    var copy = df.defaultTarget().copies().stream().filter(c -> c.destination().equals(inImage)).findFirst().orElseThrow();
    String source = ImageRules.contextPath(df, copy).orElseThrow();

    assertThat(ProjectFiles.root().resolve(source).toAbsolutePath().normalize()).isEqualTo(JAR);
    assertThat(JAR).isRegularFile();
  }

  @Test
  void itsMainClassIsJibs() throws IOException {
    var jib = JibConfiguration.in(ProjectFiles.servicePom()).orElseThrow();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(jib.mainClass()).isEqualTo("io.orderflow.launcher.Main");
    }
  }

  @Test
  void holdsTheLauncherAndTheFiveServices() throws IOException {
    assertThat(entries()).contains("io/orderflow/launcher/Main.class", "io/orderflow/orders/OrdersService.class",
        "io/orderflow/inventory/InventoryService.class", "io/orderflow/payments/PaymentsService.class",
        "io/orderflow/notifications/NotificationsService.class", "io/orderflow/audit/AuditService.class",
        "logback.xml", "orderflow/openapi.yaml");
  }

  @Test
  void holdsNoChaosHarnessPspSimSmtpSinkFailpointArmingOrDevelopmentCommands() throws IOException {
    assertThat(entries()).noneMatch(e -> e.startsWith("io/orderflow/chaos/") || e.startsWith("io/orderflow/pspsim/")
        || e.startsWith("io/orderflow/app/") || e.startsWith("com/icegreen/")
        || e.equals("META-INF/services/io.orderflow.launcher.LauncherCommands")
        || e.equals("META-INF/services/io.orderflow.runtime.Failpoint$Arming"));
  }

  private static List<String> entries() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      return jar.stream().map(ZipEntry::getName).toList();
    }
  }
}
