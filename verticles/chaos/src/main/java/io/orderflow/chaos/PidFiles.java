package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code .data/<name>.pid}: what a {@code run} started, so that {@code stop} (or the next {@code run}) in
 * another terminal can stop it. A pid counts only while it is one of ours: running, started in this checkout,
 * and java or nats-server (a stale file's pid may belong to another program by now).
 */
final class PidFiles {
  private final Path dir;
  private final Path root;

  PidFiles(Path dir, Path root) {
    this.dir = dir;
    this.root = root;
  }

  void write(String name, long pid) throws IOException {
    Files.writeString(dir.resolve(name + ".pid"), pid + "\n");
  }

  void remove(String name) {
    try {
      Files.deleteIfExists(dir.resolve(name + ".pid"));
    } catch (IOException e) {
      // a stale file is checked before it is believed
    }
  }

  /** Names with a pid file, the run's own ({@code run}) excluded. */
  List<String> names() {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
      for (Path f : files) {
        String n = f.getFileName().toString().replaceFirst("\\.pid$", "");
        if (!n.equals("run")) out.add(n);
      }
    } catch (IOException e) {
      // no data directory: nothing ran
    }
    return out;
  }

  /** The pid a file holds, whatever runs under it now. */
  Optional<Long> recorded(String name) {
    try {
      return Optional.of(Long.parseLong(Files.readString(dir.resolve(name + ".pid")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The process a pid file names, if it is still one of ours. */
  Optional<ProcessHandle> ours(String name) {
    return recorded(name).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).filter(this::startedHere);
  }

  private boolean startedHere(ProcessHandle p) {
    Path proc = Path.of("/proc", Long.toString(p.pid()));
    try {
      if (Files.isDirectory(proc) && !Files.readSymbolicLink(proc.resolve("cwd")).equals(root)) return false;
    } catch (IOException e) {
      return false;
    }
    String cmd = p.info().commandLine().or(() -> p.info().command()).orElse("");
    return cmd.contains("java") || cmd.contains("nats-server");
  }

  /** SIGTERM, up to {@code grace} to end, then SIGKILL; removes the pid file. */
  void stop(String name, Duration grace) {
    ours(name).ifPresent(p -> {
      p.destroy();
      try {
        p.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        System.err.println("orderflow: " + name + " (pid " + p.pid() + ") did not stop within " + grace.toSeconds() + "s: killing it");
        p.destroyForcibly();
      }
    });
    remove(name);
  }
}
