package io.orderflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.runtime.backup.BackupManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup --into BASE --keep N}: the newest N complete backups stay, older ones and failed leftovers go. */
class BackupPruneTest {
  @TempDir
  Path base;

  private Path backup(String name, boolean complete) throws Exception {
    Path d = Files.createDirectories(base.resolve(name));
    Files.writeString(d.resolve("ORDERS.snapshot"), "x");
    if (complete) Files.writeString(d.resolve(BackupManifest.FILE), "{}");
    return d;
  }

  @Test
  void keepsTheNewestCompleteOnesAndRemovesOlderOnesAndFailedLeftovers() throws Exception {
    backup("20261130T010000Z", true);
    Path failed = backup("20261130T020000Z", false); // a run that failed, a day ago
    Files.setLastModifiedTime(failed, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2))));
    backup("20261130T023000Z", false); // a manual run, perhaps still writing: left alone
    backup("20261130T030000Z", true);
    backup("20261130T040000Z", true);
    Path current = backup("20261130T050000Z", true);
    backup("20261130T060000Z", false); // a later run still writing: not ours to touch
    Files.createDirectories(base.resolve("lost+found"));

    BackupCommand.prune(base, current, 3);

    try (Stream<Path> left = Files.list(base)) {
      assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("20261130T023000Z", "20261130T030000Z", "20261130T040000Z", "20261130T050000Z", "20261130T060000Z", "lost+found");
    }
  }

  @Test
  void keepOneLeavesOnlyTheBackupJustTaken() throws Exception {
    backup("20261130T010000Z", true);
    Path current = backup("20261130T020000Z", true);
    BackupCommand.prune(base, current, 1);
    try (Stream<Path> left = Files.list(base)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("20261130T020000Z");
    }
  }
}
