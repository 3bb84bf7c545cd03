package io.orderflow.k8s;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout these tests validate: {@code orderflow.projectRoot} (set by the root pom), else found upwards. */
final class ProjectRoot {
  private ProjectRoot() {}

  static Path get() {
    String property = System.getProperty("orderflow.projectRoot");
    if (property != null && !property.isBlank() && Files.isDirectory(Path.of(property, "k8s", "overlays"))) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("k8s/overlays")) && Files.isDirectory(p.resolve("config"))) return p;
    }
    throw new IllegalStateException("cannot find the project root (a directory with k8s/overlays and config/); "
        + "run from the checkout or set -Dorderflow.projectRoot");
  }
}
