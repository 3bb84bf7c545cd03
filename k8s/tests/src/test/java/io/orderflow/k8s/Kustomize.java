package io.orderflow.k8s;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Kustomize the tests render with, found in this order: {@code ORDERFLOW_KUSTOMIZE} (a kustomize binary), the
 * newest {@code .cache/kustomize/<version>/kustomize} under the project root (where {@code ./orderflow} unpacks
 * Debian's package), {@code kustomize} on the PATH, {@code kubectl kustomize} on the PATH. With none the tests fail:
 * a manifest that was never rendered proves nothing.
 */
record Kustomize(List<String> command) {
  static final String NONE = "no Kustomize found: set ORDERFLOW_KUSTOMIZE to a kustomize binary, or run ./orderflow test, "
      + "which fetches Debian's kustomize package into .cache/kustomize/ (kubectl on the PATH works too)";

  static Kustomize find() {
    return locate(System.getenv(), ProjectRoot.get())
        .orElseThrow(() -> new AssertionError(NONE));
  }

  static Optional<Kustomize> locate(Map<String, String> env, Path projectRoot) {
    String named = env.get("ORDERFLOW_KUSTOMIZE");
    if (named != null && !named.isBlank()) {
      Path binary = Path.of(named);
      if (!Files.isExecutable(binary)) throw new AssertionError("ORDERFLOW_KUSTOMIZE names " + named + ", which is not an executable file");
      return Optional.of(standalone(binary));
    }
    Optional<Path> cached = newestCached(projectRoot.resolve(".cache/kustomize"));
    if (cached.isPresent()) return cached.map(Kustomize::standalone);
    Optional<Path> onPath = onPath(env, "kustomize");
    if (onPath.isPresent()) return onPath.map(Kustomize::standalone);
    return onPath(env, "kubectl").map(kubectl -> new Kustomize(List.of(kubectl.toString(), "kustomize")));
  }

  private static Kustomize standalone(Path binary) {
    return new Kustomize(List.of(binary.toString(), "build"));
  }

  /** The rendered YAML stream of the kustomization in {@code dir}, with Kustomize's default load restrictor. */
  String render(Path dir) {
    List<String> cmd = new ArrayList<>(command);
    cmd.add(dir.toString());
    try {
      Path err = Files.createTempFile("kustomize", ".err");
      try {
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", cmd) + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
          throw new AssertionError(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + Files.readString(err).strip());
        }
        return new String(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    }
  }

  private static Optional<Path> newestCached(Path cache) {
    if (!Files.isDirectory(cache)) return Optional.empty();
    try (Stream<Path> versions = Files.list(cache)) {
      return versions.filter(v -> Files.isExecutable(v.resolve("kustomize")))
          .max(Comparator.comparing(v -> v.getFileName().toString(), Kustomize::compareVersions))
          .map(v -> v.resolve("kustomize"));
    } catch (IOException e) {
      throw new AssertionError("cannot list " + cache + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Path> onPath(Map<String, String> env, String name) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) continue;
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
    }
    return Optional.empty();
  }

  /** 5.10.0 after 5.8.1: numeric parts compare as numbers (Debian suffixes such as +ds-1 compare as text). */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.+~-]");
    String[] y = b.split("[.+~-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "";
      String q = i < y.length ? y[i] : "";
      int c = p.matches("\\d+") && q.matches("\\d+") ? Long.compare(Long.parseLong(p), Long.parseLong(q)) : p.compareTo(q);
      if (c != 0) return c;
    }
    return 0;
  }
}
