package io.orderflow.launcher;

import io.orderflow.runtime.backup.BackupManifest;
import io.orderflow.runtime.backup.JetStreamBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup --to DIR | --into BASE [--keep N]}: a consistent copy of the JetStream data, taken with the server's snapshot API. */
@Command(name = "backup", header = "A consistent copy of the JetStream data, while the system runs.", mixinStandardHelpOptions = true,
    description = "Snapshots every orderflow stream (events, key-value buckets, object stores, their consumers) with a "
        + "manifest holding each file's SHA-256, as the backup identity (ORDERFLOW_NATS_BACKUP_PASSWORD). Payment tokens "
        + "and contact addresses are left out on purpose. The recovery point is the moment it starts: with a backup every T, "
        + "at most T plus one backup's duration is lost. docs/operations.md \"Backups\".")
final class BackupCommand implements Callable<Integer> {
  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  static final class Where {
    @Option(names = "--to", required = true, paramLabel = "DIR", description = "this directory (absent or empty)")
    Path dir;

    @Option(names = "--into", required = true, paramLabel = "BASE", description = "a new directory BASE/<UTC time>, for schedules")
    Path base;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Where where;

  @Option(names = "--keep", paramLabel = "N", description = "with --into: afterwards, keep the newest N complete backups in BASE and remove the rest")
  Integer keep;

  @Override
  public Integer call() throws Exception {
    if (keep != null && (where.base == null || keep < 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--keep needs --into and a number of at least 1");
    }
    Path dir = where.dir != null ? where.dir : where.base.resolve(NAME.format(Instant.now()));
    BackupManifest m = JetStreamBackup.backup(Processes.settings(spec.commandLine()), dir);
    System.out.printf(Locale.ROOT, "orderflow: backed up %d streams, %d messages (%.1f MB) into %s; recovery point %s%n",
        m.streams().size(), m.messages(), m.bytes() / 1e6, dir, m.startedAt());
    m.excluded().forEach(e -> System.out.println("orderflow: left out " + e.stream() + ": " + e.reason()));
    if (keep != null) prune(where.base, dir, keep);
    return 0;
  }

  /**
   * Keeps the newest {@code keep} complete backups (a manifest is written last) and removes older ones, and the
   * leftovers of failed runs older than the backup just taken and than a day.
   */
  static void prune(Path base, Path current, int keep) throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(base)) {
      dirs = s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().matches("\\d{8}T\\d{6}Z"))
          .sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
    }
    int complete = 0;
    for (Path d : dirs) {
      if (d.equals(current)) {
        complete++;
        continue;
      }
      boolean isComplete = Files.isRegularFile(d.resolve(BackupManifest.FILE));
      if (isComplete && complete < keep) {
        complete++;
        continue;
      }
      if (d.getFileName().compareTo(current.getFileName()) > 0) continue; // newer than ours: another run's, leave it
      // An incomplete one may be a run still writing (a manual job beside the schedule): only a day later is it a leftover.
      if (!isComplete && Files.getLastModifiedTime(d).toInstant().isAfter(Instant.now().minus(java.time.Duration.ofDays(1)))) continue;
      delete(d);
      System.out.println("orderflow: removed " + (isComplete ? "old backup " : "incomplete backup ") + d);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
