package io.orderflow.runtime.nats;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the nats-server binary the tests and the chaos harness start, in the order {@code ./orderflow} uses:
 * <ol>
 *   <li>{@code ORDERFLOW_NATS_SERVER} (refused when older than {@link #MIN});</li>
 *   <li>the newest {@code .cache/nats-server/<version>/nats-server} of the checkout ({@code ./orderflow
 *       nats-server} fetches one there), the checkout being the first directory above the working directory
 *       that holds both {@code orderflow} and {@code pom.xml};</li>
 *   <li>the first {@code nats-server} on the PATH or in /usr/sbin, /usr/local/bin, /usr/local/sbin that is
 *       {@link #MIN} or newer (older ones, such as Debian bookworm's 2.9.10, are passed over).</li>
 * </ol>
 * Plain Java (no Vert.x): the result is looked up once per JVM.
 */
public final class NatsServerBinary {
  /** The oldest nats-server orderflow runs on. */
  public static final Version MIN = new Version(2, 12, 0);

  static final String ENV = "ORDERFLOW_NATS_SERVER";
  static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/local/sbin"));
  private static final Pattern VERSION = Pattern.compile("nats-server:?\\s+v?(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Map<Path, Version> VERSIONS = new ConcurrentHashMap<>();
  private static volatile Path found;

  private NatsServerBinary() {}

  /** A nats-server release: 2.15.1. */
  public record Version(int major, int minor, int patch) implements Comparable<Version> {
    /** The version in {@code nats-server --version} output ({@code nats-server: v2.15.1}). */
    public static Version parse(String versionOutput) {
      Matcher m = VERSION.matcher(versionOutput == null ? "" : versionOutput);
      if (!m.find()) throw new IllegalArgumentException("not a nats-server version: " + versionOutput);
      return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    public boolean atLeast(Version other) {
      return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(Version o) {
      int c = Integer.compare(major, o.major);
      if (c == 0) c = Integer.compare(minor, o.minor);
      if (c == 0) c = Integer.compare(patch, o.patch);
      return c;
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }

  /**
   * The nats-server to run (absolute path), looked up once per JVM.
   *
   * @throws IllegalStateException when {@code ORDERFLOW_NATS_SERVER} is not a nats-server {@link #MIN} or newer,
   *     or when none is found (the message says how to get one)
   */
  public static Path find() {
    Path p = found;
    if (p == null) {
      synchronized (NatsServerBinary.class) {
        p = found;
        if (p == null) {
          p = locate(System.getenv(), Path.of("").toAbsolutePath(), SYSTEM_DIRS);
          found = p;
        }
      }
    }
    return p;
  }

  /**
   * What {@code binary --version} reports.
   *
   * @throws IllegalStateException when it does not run or prints no nats-server version
   */
  public static Version version(Path binary) {
    Path key = binary.toAbsolutePath();
    Version known = VERSIONS.get(key);
    if (known != null) return known;
    Version v = runVersion(key);
    VERSIONS.put(key, v);
    return v;
  }

  /** {@link #find()} for the given environment, working directory and system directories (for tests). */
  static Path locate(Map<String, String> env, Path workingDir, List<Path> systemDirs) {
    String configured = env.get(ENV);
    if (configured != null && !configured.isBlank()) return configured(configured, workingDir);

    Optional<Path> root = projectRoot(workingDir);
    if (root.isPresent()) {
      Optional<Path> cached = newestCached(root.get().resolve(".cache").resolve("nats-server"));
      if (cached.isPresent()) return cached.get();
    }

    Set<Path> candidates = new LinkedHashSet<>();
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isBlank() && Path.of(dir).isAbsolute()) candidates.add(Path.of(dir, "nats-server"));
    }
    for (Path dir : systemDirs) candidates.add(dir.resolve("nats-server"));
    List<String> passedOver = new ArrayList<>();
    for (Path c : candidates) {
      if (!Files.isRegularFile(c) || !Files.isExecutable(c)) continue;
      try {
        Version v = version(c);
        if (v.atLeast(MIN)) return c.toAbsolutePath();
        passedOver.add(c + " (" + v + ")");
      } catch (IllegalStateException e) {
        passedOver.add(c + " (no version: " + e.getMessage() + ")");
      }
    }
    throw new IllegalStateException("no nats-server " + MIN + " or newer found ("
        + ENV + " unset; " + root.map(r -> "none usable in " + r.resolve(".cache/nats-server") + "; ").orElse("")
        + "PATH, /usr/sbin, /usr/local/bin, /usr/local/sbin"
        + (passedOver.isEmpty() ? "" : "; too old or not working: " + String.join(", ", passedOver))
        + "). Run ./orderflow nats-server in the checkout (it fetches a current one into .cache/nats-server/)"
        + " or set " + ENV + " to a nats-server " + MIN + " or newer.");
  }

  private static Path configured(String configured, Path workingDir) {
    Path p = workingDir.resolve(configured).toAbsolutePath();
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new IllegalStateException(ENV + "=" + configured + " is not an executable file. Unset it and run"
          + " ./orderflow nats-server (it fetches a current nats-server into .cache/nats-server/), or point it at a"
          + " nats-server " + MIN + " or newer.");
    }
    Version v;
    try {
      v = version(p);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(ENV + "=" + configured + " is not a nats-server that runs here: " + e.getMessage(), e);
    }
    if (!v.atLeast(MIN)) {
      throw new IllegalStateException(ENV + "=" + configured + " is nats-server " + v + ", too old: orderflow needs "
          + MIN + " or newer. Unset " + ENV + " and run ./orderflow nats-server (it fetches a current one into"
          + " .cache/nats-server/), or install nats-server " + MIN + " or newer and point " + ENV + " at it.");
    }
    return p;
  }

  /** The newest working {@code <dir>/<version>/nats-server} that is {@link #MIN} or newer. */
  static Optional<Path> newestCached(Path cacheDir) {
    if (!Files.isDirectory(cacheDir)) return Optional.empty();
    Path best = null;
    Version bestVersion = null;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cacheDir)) {
      for (Path dir : dirs) {
        Path c = dir.resolve("nats-server");
        if (!Files.isRegularFile(c) || !Files.isExecutable(c)) continue;
        Version v;
        try {
          v = version(c);
        } catch (IllegalStateException e) {
          continue; // a broken copy: ./orderflow replaces it
        }
        if (v.atLeast(MIN) && (bestVersion == null || v.compareTo(bestVersion) > 0)) {
          best = c.toAbsolutePath();
          bestVersion = v;
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(best);
  }

  /** The checkout: the first directory at or above {@code start} holding both {@code orderflow} and {@code pom.xml}. */
  public static Optional<Path> projectRoot(Path start) {
    for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("orderflow")) && Files.isRegularFile(d.resolve("pom.xml"))) return Optional.of(d);
    }
    return Optional.empty();
  }

  private static Version runVersion(Path binary) {
    Process p;
    try {
      p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + " --version: " + e.getMessage(), e);
    }
    try (InputStream in = p.getInputStream()) {
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(binary + " --version did not answer within 10 s");
      }
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      try {
        return Version.parse(out);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(binary + " --version printed no nats-server version (exit " + p.exitValue()
            + "): " + (out.length() > 200 ? out.substring(0, 200) + "..." : out), e);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + binary + " --version: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + binary + " --version", e);
    }
  }
}
