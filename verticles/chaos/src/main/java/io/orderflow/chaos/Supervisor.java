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

  /** Stops in reverse start order: services before psp-sim and the broker. */
  @Override
  public void close() {
    List<Proc> reverse = new ArrayList<>(all());
    java.util.Collections.reverse(reverse);
    // Services get their graceful stop concurrently; the broker nodes (first created) go last.
    List<Thread> stops = new ArrayList<>();
    for (Proc p : reverse) {
      if (p.name.startsWith("nats")) continue;
      stops.add(Thread.ofVirtual().start(() -> stopQuietly(p, Duration.ofSeconds(15))));
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Proc p : reverse) if (p.name.startsWith("nats")) stopQuietly(p, Duration.ofSeconds(10));
    if (System.getenv("ORDERFLOW_CHAOS_KEEP") == null) {
      List<Path> dirs;
      synchronized (this) {
        dirs = List.copyOf(scratch);
      }
      for (Path d : dirs) deleteQuietly(d);
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
