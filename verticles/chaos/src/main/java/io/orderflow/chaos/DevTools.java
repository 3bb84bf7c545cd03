package io.orderflow.chaos;

import io.orderflow.runtime.nats.NatsServerBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The programs the runs and the tests need besides a JDK: found on the machine, else fetched from Debian
 * into {@code .cache/} ({@link DebianPackages}). Each is chosen once per process; a setting names one
 * explicitly ({@code ORDERFLOW_NATS_SERVER}, {@code ORDERFLOW_PROMTOOL}, {@code ORDERFLOW_PROMETHEUS},
 * {@code ORDERFLOW_KUSTOMIZE}).
 */
public final class DevTools {
  /** Debian testing's package is current (2.15.x when checked); trixie's 2.10 is too old. */
  static final DebianPackages.Wanted NATS = new DebianPackages.Wanted("nats-server", NatsServerBinary.MIN.toString(),
      List.of("testing", "unstable"), List.of("nats-server"));
  static final DebianPackages.Wanted PROMETHEUS = new DebianPackages.Wanted("prometheus", null, List.of("release"),
      List.of("promtool", "prometheus"));
  static final DebianPackages.Wanted KUSTOMIZE = new DebianPackages.Wanted("kustomize", "5.0", List.of("trixie", "testing"),
      List.of("kustomize"));

  private final Path root;
  private final DebianPackages debian;

  public DevTools(Path root) {
    this.root = root;
    this.debian = new DebianPackages(root);
  }

  /** A nats-server {@link NatsServerBinary#MIN} or newer: the one found, else Debian testing's, fetched. */
  public Path natsServer() throws IOException, InterruptedException {
    try {
      return NatsServerBinary.find();
    } catch (IllegalStateException notFound) {
      if (configured("ORDERFLOW_NATS_SERVER").isPresent()) throw notFound; // a bad setting is not fixed by a download
      try {
        debian.fetch(NATS);
      } catch (IOException e) {
        throw new IOException("no nats-server " + NatsServerBinary.MIN + " or newer here, and fetching one failed: " + e.getMessage()
            + ". Install nats-server " + NatsServerBinary.MIN + " or newer and set ORDERFLOW_NATS_SERVER to it, or set"
            + " ORDERFLOW_DEBIAN_MIRROR to a Debian mirror that serves testing or unstable.", e);
      }
      return NatsServerBinary.find();
    }
  }

  /** promtool and prometheus, in that order: the settings, else PATH or /usr/bin, else .cache/prometheus/, else fetched. */
  public List<Path> prometheus() throws IOException, InterruptedException {
    Optional<Path> promtool = configured("ORDERFLOW_PROMTOOL").or(() -> onPath("promtool"));
    Optional<Path> prometheus = configured("ORDERFLOW_PROMETHEUS").or(() -> onPath("prometheus"));
    if (promtool.isEmpty() || prometheus.isEmpty()) {
      Path dir = debian.cached("prometheus", PROMETHEUS.binaries()).orElse(null);
      if (dir == null) {
        try {
          dir = debian.fetch(PROMETHEUS);
        } catch (IOException e) {
          throw new IOException("promtool and prometheus are needed by the tests (alert rules, /metrics, dashboard queries); none was found"
              + " and fetching Debian's prometheus package failed: " + e.getMessage() + ". Set ORDERFLOW_PROMTOOL and ORDERFLOW_PROMETHEUS,"
              + " or ORDERFLOW_DEBIAN_MIRROR.", e);
        }
      }
      if (promtool.isEmpty()) promtool = Optional.of(dir.resolve("promtool"));
      if (prometheus.isEmpty()) prometheus = Optional.of(dir.resolve("prometheus"));
    }
    return List.of(promtool.get(), prometheus.get());
  }

  /** kustomize: the setting, else .cache/kustomize/ (trixie's package, fetched when missing). */
  public Path kustomize() throws IOException, InterruptedException {
    Optional<Path> set = configured("ORDERFLOW_KUSTOMIZE");
    if (set.isPresent()) return set.get();
    Optional<Path> cached = debian.cached("kustomize", KUSTOMIZE.binaries());
    if (cached.isPresent()) return cached.get().resolve("kustomize");
    try {
      return debian.fetch(KUSTOMIZE).resolve("kustomize");
    } catch (IOException e) {
      throw new IOException("kustomize is needed by the manifest tests and fetching Debian trixie's package failed: " + e.getMessage()
          + ". Set ORDERFLOW_KUSTOMIZE to a kustomize binary (5.x), or ORDERFLOW_DEBIAN_MIRROR.", e);
    }
  }

  /** A setting naming a binary; refused when it is not an executable file. */
  private Optional<Path> configured(String variable) {
    String v = System.getenv(variable);
    if (v == null || v.isBlank()) return Optional.empty();
    Path p = root.resolve(v).toAbsolutePath();
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new IllegalStateException(variable + "=" + v + " is not an executable file; unset it (./orderflow then finds or fetches one) or fix the path");
    }
    return Optional.of(p);
  }

  /** A program on the PATH (or in /usr/bin, which a minimal PATH may lack). */
  static Optional<Path> onPath(String tool) {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return Optional.of(Path.of(d, tool).toAbsolutePath());
    }
    return Optional.empty();
  }
}
