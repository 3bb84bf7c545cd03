package io.orderflow.app;

import io.orderflow.runtime.nats.NatsServerBinary;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the real tools the tests run: an override variable, else the PATH or /usr/bin, else the copy
 * {@code ./orderflow} fetched into the project's {@code .cache/<package>/<version>/}.
 */
final class Executables {
  private Executables() {}

  /** {@code envVar} if set, else {@code name} on the PATH or in /usr/bin, else in .cache; fails saying how to get it. */
  static Path find(String envVar, String name, String debianPackage) {
    String configured = System.getenv(envVar);
    if (configured != null && !configured.isBlank()) {
      Path path = Paths.get(configured);
      if (Files.isExecutable(path)) return path;
      throw new AssertionError(envVar + "=" + configured + " is not an executable file");
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Paths.get(dir, name))
        .filter(Files::isExecutable)
        .findFirst()
        .or(() -> Stream.of(Paths.get("/usr/bin", name)).filter(Files::isExecutable).findFirst())
        .or(() -> cached(debianPackage, name))
        .orElseThrow(() -> new AssertionError(name + " not found (" + envVar + ", PATH, /usr/bin, .cache/" + debianPackage
            + "/): `./orderflow test` fetches Debian's `" + debianPackage + "` package into .cache/, or point " + envVar + " at the binary"));
  }

  private static Optional<Path> cached(String debianPackage, String name) {
    return NatsServerBinary.projectRoot(Path.of("").toAbsolutePath()).flatMap(root -> {
      Path dir = root.resolve(".cache").resolve(debianPackage);
      if (!Files.isDirectory(dir)) return Optional.empty();
      try (Stream<Path> versions = Files.list(dir)) {
        return versions.map(v -> v.resolve(name)).filter(Files::isExecutable).max(Comparator.comparing(Path::toString));
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }
}
