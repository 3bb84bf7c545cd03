package io.orderflow.launcher.image;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The jib-maven-plugin's configuration in a pom.xml, as written there. */
record JibConfiguration(String version, boolean boundToPhase, String fromImage, String toImage, String mainClass,
    List<String> jvmFlags, List<String> args, List<String> ports, String user, String workingDirectory,
    Map<String, String> labels, List<ExtraDirectory> extraDirectories) {

  /** An extraDirectories path: a folder of the build machine copied into the image. */
  record ExtraDirectory(String from, String into, List<String> includes) {}

  static final String PLUGIN = "/project/build/plugins/plugin[groupId='com.google.cloud.tools' and artifactId='jib-maven-plugin']";

  static Optional<JibConfiguration> in(Pom pom) {
    if (pom.node(PLUGIN).isEmpty()) return Optional.empty();
    String c = PLUGIN + "/configuration";
    List<ExtraDirectory> extras = new java.util.ArrayList<>();
    int paths = pom.nodes(c + "/extraDirectories/paths/path").size();
    for (int i = 1; i <= paths; i++) {
      String p = c + "/extraDirectories/paths/path[" + i + "]";
      extras.add(new ExtraDirectory(pom.text(p + "/from").orElse(""), pom.text(p + "/into").orElse("/"),
          List.of(pom.text(p + "/includes").orElse("**").split("\\s*,\\s*"))));
    }
    return Optional.of(new JibConfiguration(
        pom.text(PLUGIN + "/version").orElse(""),
        !pom.nodes(PLUGIN + "/executions/execution").isEmpty(),
        pom.text(c + "/from/image").orElse(""),
        pom.text(c + "/to/image").orElse(""),
        pom.text(c + "/container/mainClass").orElse(""),
        pom.texts(c + "/container/jvmFlags/jvmFlag"),
        pom.texts(c + "/container/args/arg"),
        pom.texts(c + "/container/ports/port"),
        pom.text(c + "/container/user").orElse(""),
        pom.text(c + "/container/workingDirectory").orElse(""),
        pom.children(c + "/container/labels"),
        List.copyOf(extras)));
  }
}
