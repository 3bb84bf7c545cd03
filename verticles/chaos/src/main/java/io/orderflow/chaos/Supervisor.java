package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the processes of one scenario, each with its log in the scenario's directory, and stops every one
 * of them at the end (services first, the broker last), whatever happened in between.
 */
final class Supervisor implements AutoCloseable {
  final Path dir;
  private final List<Proc> procs = new ArrayList<>();
  /** Directories outside {@link #dir} (broker storage on tmpfs) removed once every process stopped. */
  private final List<Path> scratch = new ArrayList<>();

  Supervisor(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /** Set by {@link #close()}: nothing starts after it (a start racing the stop would outlive it). */
  private boolean closed;

  /** Starts (or starts again) a process of this supervisor, unless it is stopping everything. */
  synchronized Proc start(Proc p) throws java.io.IOException {
    if (closed) throw new IllegalStateException("stopping: " + p.name + " is not started again");
    return p.start();
  }

  synchronized Proc create(String name, List<String> command, Map<String, String> env) {
    Proc p = new Proc(name, command, env, log(name));
    procs.add(p);
    return p;
  }

  synchronized void scratch(Path dir) {
    scratch.add(dir);
  }

  synchronized List<Proc> all() {
    return List.copyOf(procs);
  }

  /** How long a service gets for its graceful stop before SIGKILL (chaos: 15 s; {@code run}: ORDERFLOW_STOP_TIMEOUT). */
  private Duration serviceGrace = Duration.ofSeconds(15);

  Supervisor serviceGrace(Duration grace) {
    this.serviceGrace = grace;
    return this;
  }

  /** The stand-ins the services call while they drain: stopped after the services. */
  private static boolean isAux(Proc p) {
    return p.name.equals("psp-sim") || p.name.equals("smtp-sink");
  }

  /**
   * Stops everything: the services together (each drains in its grace period), then psp-sim and the SMTP sink,
   * the broker nodes last.
   */
  @Override
  public void close() {
    List<Proc> procs;
    synchronized (this) {
      closed = true;
      procs = List.copyOf(this.procs);
    }
    stopTogether(procs.stream().filter(p -> !p.name.startsWith("nats") && !isAux(p)).toList(), serviceGrace);
    stopTogether(procs.stream().filter(Supervisor::isAux).toList(), Duration.ofSeconds(5));
    stopTogether(procs.stream().filter(p -> p.name.startsWith("nats")).toList(), Duration.ofSeconds(10));
    if (System.getenv("ORDERFLOW_CHAOS_KEEP") == null) {
      List<Path> dirs;
      synchronized (this) {
        dirs = List.copyOf(scratch);
      }
      for (Path d : dirs) deleteQuietly(d);
    }
  }

  private static void stopTogether(List<Proc> procs, Duration grace) {
    List<Thread> stops = new ArrayList<>();
    for (Proc p : procs) stops.add(Thread.ofVirtual().start(() -> stopQuietly(p, grace)));
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover directory is harmless
    }
  }

  private static void stopQuietly(Proc p, Duration grace) {
    try {
      p.stop(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
