package io.orderflow.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the console's browser tests run on, found or installed by the test itself: Debian's Chromium
 * ({@code ORDERFLOW_CHROMIUM}, else /usr/bin/chromium, installed with apt-get when missing and the test runs as
 * root), Node.js 20 or newer ({@code ORDERFLOW_NODE}, else the PATH), and the scripts' npm packages, installed
 * with {@code npm ci} from the pinned lock into a copy of {@code src/test/browser} under {@code target/}.
 */
final class ConsoleBrowserTools {
  private static final Path DEBIAN_CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final int MIN_NODE = 20;
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

  private ConsoleBrowserTools() {}

  /** Chromium to drive headless; installs Debian's package first when it is missing and this process may. */
  static Path chromium(Path artifacts) throws Exception {
    Optional<Path> configured = configured("ORDERFLOW_CHROMIUM");
    if (configured.isPresent()) return configured.get();
    if (Files.isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
    // As root, apt-get itself; otherwise through sudo when it asks no password (a CI runner's usual set-up).
    List<String> sudo = root() ? List.of() : passwordlessSudo() ? List.of("sudo", "-n") : null;
    if (sudo == null) {
      throw new AssertionError("the console's browser tests need Chromium and there is none at " + DEBIAN_CHROMIUM
          + ": install Debian's package (sudo apt-get install chromium), or point ORDERFLOW_CHROMIUM at a Chromium or Chrome binary");
    }
    Path log = artifacts.resolve("apt-get.log");
    List<String> install = new ArrayList<>(sudo);
    // sudo passes no environment on: the variable goes on the command line.
    install.addAll(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300",
        "chromium", "fonts-liberation"));
    List<String> update = new ArrayList<>(sudo);
    update.addAll(List.of("apt-get", "update", "-o", "DPkg::Lock::Timeout=300"));
    System.out.println("Chromium missing: " + String.join(" ", install) + " (log: " + log + ")");
    int rc = run(install, null, Map.of("DEBIAN_FRONTEND", "noninteractive"), log, INSTALL_TIMEOUT, line -> {});
    if (rc != 0) {
      // Package lists that are out of date name versions the mirror no longer has.
      run(update, null, Map.of(), log, INSTALL_TIMEOUT, line -> {});
      rc = run(install, null, Map.of("DEBIAN_FRONTEND", "noninteractive"), log, INSTALL_TIMEOUT, line -> {});
    }
    if (rc != 0 || !Files.isExecutable(DEBIAN_CHROMIUM)) {
      throw new AssertionError("apt-get could not install chromium (exit " + rc + "; see " + log + "): install it yourself, "
          + "or point ORDERFLOW_CHROMIUM at a Chromium or Chrome binary");
    }
    return DEBIAN_CHROMIUM;
  }

  /** Node.js {@value #MIN_NODE} or newer (playwright-core's minimum). */
  static Path node() throws Exception {
    Path node = configured("ORDERFLOW_NODE").or(() -> onPath("node")).orElseThrow(() -> new AssertionError(
        "the console's browser tests need Node.js " + MIN_NODE + " or newer and there is no `node` on the PATH: install it "
            + "(Debian 13: apt-get install nodejs npm; older releases: a Node.js " + MIN_NODE + "+ build), or set ORDERFLOW_NODE"));
    List<String> out = new ArrayList<>();
    run(List.of(node.toString(), "--version"), null, Map.of(), null, Duration.ofSeconds(30), out::add);
    Matcher m = Pattern.compile("v(\\d+)\\.").matcher(String.join("", out));
    if (!m.find() || Integer.parseInt(m.group(1)) < MIN_NODE) {
      throw new AssertionError(node + " is Node.js " + String.join("", out) + "; the console's browser tests need " + MIN_NODE
          + " or newer (playwright-core): install a newer one, or point ORDERFLOW_NODE at it");
    }
    return node;
  }

  /**
   * Copies the scripts from {@code source} to {@code target} and installs their packages there with {@code npm ci}
   * (node_modules stays out of src/), unless the same lock is installed already.
   */
  static Path install(Path node, Path source, Path target, Path artifacts) throws Exception {
    Files.createDirectories(target);
    Path lock = source.resolve("package-lock.json");
    boolean installed = Files.isDirectory(target.resolve("node_modules"))
        && Files.isRegularFile(target.resolve("package-lock.json"))
        && Files.mismatch(lock, target.resolve("package-lock.json")) == -1;
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (installed) return target;
    Path log = artifacts.resolve("npm-ci.log");
    Path npm = Optional.of(node.resolveSibling("npm")).filter(Files::isExecutable).or(() -> onPath("npm"))
        .orElseThrow(() -> new AssertionError("no npm next to " + node + " nor on the PATH: install npm (Debian: apt-get install npm)"));
    // No install scripts: nothing downloads a browser or anything else beside the locked packages.
    int rc = run(List.of(npm.toString(), "ci", "--ignore-scripts", "--no-audit", "--no-fund"), target, nodeOnPath(node), log,
        NPM_TIMEOUT, line -> {});
    if (rc != 0) throw new AssertionError("npm ci failed (exit " + rc + ") in " + target + ":\n" + tail(log, 30));
    return target;
  }

  /** The PATH with {@code node}'s directory first (npm's launcher looks for node there). */
  static Map<String, String> nodeOnPath(Path node) {
    return Map.of("PATH", node.getParent() + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
  }

  /**
   * Runs a command to its end or {@code timeout}, its output (stdout and stderr) appended to {@code log} when given
   * and handed line by line to {@code lines}. On a timeout the command and everything it started is killed.
   */
  static int run(List<String> command, Path dir, Map<String, String> env, Path log, Duration timeout, Consumer<String> lines)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) pb.directory(dir.toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    process.getOutputStream().close();
    Thread reader = Thread.ofPlatform().daemon().name("output of " + Paths.get(command.get(0)).getFileName()).start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           var out = log == null ? null : new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
               java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
        if (out != null) out.println("$ " + String.join(" ", command));
        for (String line; (line = in.readLine()) != null; ) {
          if (out != null) out.println(line);
          lines.accept(line);
        }
      } catch (IOException e) {
        // The process went away mid-line (killed after its timeout): what was read is in the log.
      }
    });
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s"
            + (log == null ? "" : " (output: " + log + ")"));
      }
      reader.join(Duration.ofSeconds(10));
      return process.exitValue();
    } finally {
      if (process.isAlive()) kill(process);
    }
  }

  private static void kill(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Path> configured(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) return Optional.empty();
    Path path = Paths.get(value);
    if (!Files.isExecutable(path)) throw new AssertionError(variable + "=" + value + " is not an executable file");
    return Optional.of(path);
  }

  private static Optional<Path> onPath(String name) {
    return Stream.concat(Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)), Stream.of("/usr/bin"))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Paths.get(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** True when this process runs as root (the owner of /proc/self), so apt-get may install packages. */
  private static boolean passwordlessSudo() {
    try {
      return onPath("sudo").isPresent() && run(List.of("sudo", "-n", "true"), null, Map.of(), null, Duration.ofSeconds(10), line -> {}) == 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean root() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false; // not Linux, or no /proc: assume not root and say what to install
    }
  }
}
