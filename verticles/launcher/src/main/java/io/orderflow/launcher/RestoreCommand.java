package io.orderflow.launcher;

import io.orderflow.runtime.backup.BackupManifest;
import io.orderflow.runtime.backup.JetStreamRestore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code restore --from DIR}: puts a backup onto a server that does not hold those streams. */
@Command(name = "restore", header = "Restores a backup onto an empty server.", mixinStandardHelpOptions = true,
    description = "Checks every file of the backup in DIR against its manifest, then restores its streams and consumers, "
        + "as the restore identity (ORDERFLOW_NATS_RESTORE_PASSWORD; the scheduled backup never holds it). Refuses a server "
        + "that already holds any of them. Consumers that moved during the "
        + "backup are rewound, so their messages are handled again (as after a crash). Run `provision` afterwards: it "
        + "recreates the hand-off streams a backup leaves out and applies this version's settings. --check only checks "
        + "the files, without a server.")
final class RestoreCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "the backup's directory")
  Path dir;

  @Option(names = "--check", description = "only check the backup's files against its manifest")
  boolean checkOnly;

  @Override
  public Integer call() throws Exception {
    if (checkOnly) {
      BackupManifest m = BackupManifest.readVerified(dir);
      System.out.printf(Locale.ROOT, "orderflow: %s is intact: %d streams, %d messages, taken from %s%n", dir, m.streams().size(),
          m.messages(), m.startedAt());
      return 0;
    }
    JetStreamRestore.Report r = JetStreamRestore.restore(Processes.settings(spec.commandLine()), dir);
    System.out.printf(Locale.ROOT, "orderflow: restored %d streams, %d messages in %.1f s (%d consumers rewound); recovery point %s."
        + " Now run provision.%n", r.streams().size(), r.messages(), r.elapsed().toMillis() / 1000.0, r.consumersRewound(), r.manifest().startedAt());
    return 0;
  }
}
