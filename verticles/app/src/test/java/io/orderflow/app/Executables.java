package io.orderflow.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Finds the real tools the tests run: an override variable, else the PATH, else Debian's install location. */
final class Executables {
  private Executables() {}

  /** {@code envVar} if set, else {@code name} on the PATH, else /usr/bin/{@code name}; fails naming the Debian package. */
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
        .orElseThrow(() -> new AssertionError(name + " not found (" + envVar + ", PATH, /usr/bin): install Debian's `"
            + debianPackage + "` package (./orderflow test installs it) or point " + envVar + " at the binary"));
  }
}
