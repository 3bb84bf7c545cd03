package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One supervised child process: how it was started (so it can be started again on the same ports and
 * storage), its log, and the signals a scenario sends it.
 */
final class Proc {
  final String name;
  final List<String> command;
  final Map<String, String> env;
  final Path log;
  private Process process;
  private int starts;

  Proc(String name, List<String> command, Map<String, String> env, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.log = log;
  }

  /** Starts (or starts again) the process; output is appended to its log. */
  synchronized Proc start() throws IOException {
    if (alive()) throw new IllegalStateException(name + " is already running (pid " + pid() + ")");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    starts++;
    java.nio.file.Files.writeString(log, "=== " + java.time.Instant.now() + " start #" + starts + " " + String.join(" ", command) + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = pb.start();
    return this;
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** SIGTERM: the graceful stop. */
  void term() {
    Process p = current();
    if (p != null) p.destroy();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    Process p = current();
    if (p == null) return;
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP: frozen, connections open, nothing answered. */
  void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT. */
  void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** Waits for the process to end; its exit code, or null if it is still running after {@code timeout}. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    Process p = current();
    if (p == null) return null;
    return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : null;
  }

  /** Stops it for good at the end of a scenario: SIGTERM, a grace period, then SIGKILL. */
  void stop(Duration grace) throws InterruptedException {
    Process p = current();
    if (p == null || !p.isAlive()) return;
    signalQuietly("CONT"); // a frozen process cannot act on SIGTERM
    p.destroy();
    if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) kill();
  }

  private synchronized Process current() {
    return process;
  }

  private void signal(String sig) throws IOException, InterruptedException {
    long pid = pid();
    if (pid < 0) throw new IllegalStateException(name + " was never started");
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + sig + " " + pid + " (" + name + ") failed");
    }
  }

  private void signalQuietly(String sig) {
    try {
      signal(sig);
    } catch (IOException | RuntimeException e) {
      // already gone: nothing to wake up
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + pid() + ")";
  }
}
