package io.orderflow.launcher.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, .dockerignore and Jib configuration agree with each other and with the build (no Docker
 * daemon here to build the image: these files are kept honest by reading them). The jar itself is checked
 * by the integration tests (*IT), which run after `package`.
 */
class ImageFilesTest {
  final Dockerfile dockerfile = ProjectFiles.dockerfile();
  final ImageRules.Expected expected = ImageRules.fromProject();

  @Test
  void theDefaultTargetIsTheProductionImageOfTheServiceJarAlone() {
    assertThat(ImageRules.serviceImage(dockerfile, expected)).isEmpty();
    assertThat(expected.serviceJar()).isEqualTo("verticles/launcher/target/orderflow-service.jar");
  }

  @Test
  void theDevtoolsTargetRunsTheDevelopmentJarForPspSimAndTheSmtpSink() {
    assertThat(ImageRules.devtoolsImage(dockerfile, expected)).isEmpty();
    assertThat(expected.devJar()).isEqualTo("verticles/app/target/orderflow.jar");
  }

  @Test
  void theBuildStageBuildsBothJarsWithTheMavenWrapper() {
    assertThat(ImageRules.buildStage(dockerfile, expected)).isEmpty();
  }

  @Test
  void jibBuildsTheSameImageAsTheDockerfileWithoutRunningInTheBuild() {
    assertThat(ImageRules.jibMatchesDockerfile(JibConfiguration.in(ProjectFiles.servicePom()), dockerfile, expected)).isEmpty();
  }

  @Test
  void theBuildContextHoldsTheSourcesButNoBuildOutputOrLocalState() throws IOException {
    List<String> needed = new ArrayList<>(List.of("mvnw", "pom.xml"));
    Path root = ProjectFiles.root();
    for (String module : ProjectFiles.pom("").texts("/project/modules/module")) {
      needed.add(module + "/pom.xml");
      needed.addAll(filesUnder(root, module + "/src/main"));
    }
    needed.addAll(filesUnder(root, ".mvn"));
    needed.addAll(filesUnder(root, "config"));
    assertThat(needed).contains(".mvn/wrapper/maven-wrapper.properties", ImageRules.CONFIG_FILE,
        "verticles/launcher/src/main/java/io/orderflow/launcher/Main.java");

    List<String> leftOut = List.of(".git/HEAD", expected.serviceJar(), expected.devJar(), "verticles/runtime/target/classes/x.class",
        ".data/nats/jetstream/x", ".cache/nats-server/nats-server", "load-tests/gatling/target/x");
    assertThat(ImageRules.dockerIgnore(ProjectFiles.dockerIgnore(), needed, leftOut)).isEmpty();
  }

  /** EXPOSE is read from config/orderflow.properties: those documented defaults must be the code's. */
  @Test
  void theDocumentedPortDefaultsAreTheOnesTheCodeUses() throws IOException {
    Pattern portDefault = Pattern.compile("\\.port\\(\"([a-z][a-z0-9.-]*)\",\\s*(\\d+)\\)");
    Map<String, Set<String>> inCode = new TreeMap<>();
    Path root = ProjectFiles.root();
    for (String module : ProjectFiles.pom("").texts("/project/modules/module")) {
      for (String file : filesUnder(root, module + "/src/main/java")) {
        Matcher m = portDefault.matcher(Files.readString(root.resolve(file)));
        while (m.find()) inCode.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    Map<String, String> documented = ProjectFiles.documentedDefaults();
    for (String key : List.of("http.port", "mgmt.port", "psp.port", "smtp.port")) {
      assertThat(inCode.get(key)).as("defaults of %s in the code", key).containsExactly(documented.get(key));
    }
  }

  private static List<String> filesUnder(Path root, String dir) throws IOException {
    Path start = root.resolve(dir);
    if (!Files.isDirectory(start)) return List.of();
    try (Stream<Path> files = Files.walk(start)) {
      return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).toList();
    }
  }
}
