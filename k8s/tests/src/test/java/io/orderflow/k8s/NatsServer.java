package io.orderflow.k8s;

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
 * The nats-server the rest of the suite runs, found as the project's other tests find it: {@code ORDERFLOW_NATS_SERVER},
 * the newest {@code .cache/nats-server/<version>/nats-server}, then {@code nats-server} on the PATH or in /usr/sbin.
 * Used here only for {@code nats-server -t}, its own strict check of a configuration file.
 */
record NatsServer(Path binary) {
  static NatsServer find() {
    Map<String, String> env = System.getenv();
    String named = env.get("ORDERFLOW_NATS_SERVER");
    if (named != null && !named.isBlank()) return new NatsServer(Path.of(named));
    Path cache = ProjectRoot.get().resolve(".cache/nats-server");
    if (Files.isDirectory(cache)) {
      try (Stream<Path> versions = Files.list(cache)) {
        Optional<Path> newest = versions.filter(v -> Files.isExecutable(v.resolve("nats-server")))
            .max(Comparator.comparing(v -> v.getFileName().toString(), Kustomize::compareVersions));
        if (newest.isPresent()) return new NatsServer(newest.get().resolve("nats-server"));
      } catch (IOException e) {
        throw new AssertionError("cannot list " + cache + ": " + e.getMessage(), e);
      }
    }
    List<String> dirs = new ArrayList<>(List.of(env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
    dirs.add("/usr/sbin");
    for (String dir : dirs) {
      if (dir.isBlank()) continue;
      Path candidate = Path.of(dir, "nats-server");
      if (Files.isExecutable(candidate)) return new NatsServer(candidate);
    }
    throw new AssertionError("no nats-server found: set ORDERFLOW_NATS_SERVER, or run ./orderflow test (or ./orderflow nats-server), "
        + "which fetches one into .cache/nats-server/");
  }

  /** {@code nats-server -t -c FILE} in the file's directory with {@code env}: its exit code and output. */
  Result test(Path config, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-t", "-c", config.getFileName().toString())
        .directory(config.getParent().toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(binary + " -t did not finish within 30 s");
      }
      return new Result(p.exitValue(), out.strip());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  record Result(int exitCode, String output) {}
}
