package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CPU time and resident memory of the bench's processes, read from {@code /proc}: a snapshot per
 * process, so a measurement is the difference of two. Linux only (the bench says so where there is none).
 */
final class ProcessStats {
  /** CPU time used so far (user + system, ms) and resident memory now (MiB) of one process. */
  record Sample(double cpuMs, double rssMb) {}

  /** The kernel's clock tick: /proc counts CPU time in these; 100 per second on every Linux we run on. */
  private static final double MS_PER_TICK = 10.0;

  private final Map<String, LongSupplier> pids = new LinkedHashMap<>();

  /** Follows a process under a name; the pid is asked each time (a restarted process gets a new one). */
  ProcessStats add(String name, LongSupplier pid) {
    pids.put(name, pid);
    return this;
  }

  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  Map<String, Sample> sample() {
    Map<String, Sample> out = new LinkedHashMap<>();
    for (var e : pids.entrySet()) {
      long pid = e.getValue().getAsLong();
      if (pid <= 0) continue;
      try {
        out.put(e.getKey(), new Sample(cpuMs(pid), rssMb(pid)));
      } catch (IOException | RuntimeException gone) {
        // the process ended: it has no figure for this sample
      }
    }
    return out;
  }

  /** CPU milliseconds per name between two samples. */
  static Map<String, Double> cpuBetween(Map<String, Sample> before, Map<String, Sample> after) {
    Map<String, Double> out = new LinkedHashMap<>();
    after.forEach((name, s) -> {
      Sample b = before.get(name);
      if (b != null) out.put(name, s.cpuMs() - b.cpuMs());
    });
    return out;
  }

  private static double cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    return (utime + stime) * MS_PER_TICK;
  }

  private static double rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return 0;
  }
}
