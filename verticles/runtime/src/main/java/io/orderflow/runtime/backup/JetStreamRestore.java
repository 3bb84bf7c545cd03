package io.orderflow.runtime.backup;

import io.nats.client.Connection;
import io.orderflow.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a {@link JetStreamBackup} onto a server: checks the whole backup first (manifest, sizes, SHA-256), refuses
 * to overwrite streams unless told to, restores every stream with its consumers in the order they were taken, then
 * puts the consumers back to the positions recorded when the backup started ({@link ConsumerPositions}).
 *
 * <p>What comes after: provision ({@code orderflow provision}) to create the hand-off streams a backup leaves out and
 * bring the restored streams to this version's settings (replicas included), then start the services.
 *
 * <p>Blocking: run it as a command or on a worker, never on an event loop.
 */
public final class JetStreamRestore {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamRestore.class);
  private static final Duration API_TIMEOUT = Duration.ofSeconds(15);

  private JetStreamRestore() {}

  /**
   * What a restore did.
   *
   * @param consumersRewound consumers put back to the position recorded when the backup started
   * @param elapsed from the first check to the last consumer put back: the restore's share of the recovery time
   */
  public record Report(BackupManifest manifest, List<String> streams, int consumersRewound, Duration elapsed) {
    public long messages() {
      return manifest.messages();
    }
  }

  /** Restores {@code dir} onto an empty JetStream as the {@code restore} identity of {@code settings}. */
  public static Report restore(Settings settings, Path dir) throws IOException {
    try (Connection nc = JetStreamBackup.connect(settings, io.orderflow.runtime.nats.NatsIdentities.RESTORE)) {
      return restore(nc, dir, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the NATS connection");
    }
  }

  /**
   * Restores {@code dir} over {@code nc}. With {@code replaceExisting}, streams of the backup that exist are deleted
   * first, which needs an identity allowed to delete streams (no orderflow identity is); without it, any such
   * stream stops the restore before anything changes.
   */
  public static Report restore(Connection nc, Path dir, boolean replaceExisting) throws IOException {
    long started = System.nanoTime();
    BackupManifest manifest = BackupManifest.readVerified(dir);
    for (BackupManifest.StreamCopy copy : manifest.streams()) checkShape(copy);
    List<String> existing = existing(nc, manifest);
    if (!existing.isEmpty()) {
      if (!replaceExisting) {
        throw new BackupException("restore refused: the server already has stream " + String.join(", ", existing)
            + ". Restore onto an empty JetStream (a new server, or an emptied store directory) before anything is provisioned,"
            + " or delete those streams deliberately first");
      }
      for (String stream : existing) {
        StreamSnapshots.request(nc, "$JS.API.STREAM.DELETE." + stream, null, API_TIMEOUT, "delete of " + stream + " before its restore");
        LOG.warn("restore: deleted the existing stream {} to replace it with the backup's", stream);
      }
    }
    List<String> restored = new ArrayList<>();
    for (BackupManifest.StreamCopy copy : manifest.streams()) {
      try {
        restoreOne(nc, dir, copy);
      } catch (IOException e) {
        // What is restored stays: the operator must know it blocks the next attempt.
        throw new BackupException(e.getMessage() + (restored.isEmpty() ? "" : "; restored before the failure, and still on the server: "
            + String.join(", ", restored) + " (delete them, or empty the JetStream store, before restoring again)"), e);
      }
      restored.add(copy.name());
    }
    int rewound = ConsumerPositions.rewind(nc, manifest.positions());
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    LOG.info("restored {} streams ({} messages, {} bytes) in {} ms, {} consumers put back to the recovery point {}; now provision, then start the services",
        restored.size(), manifest.messages(), manifest.bytes(), elapsed.toMillis(), rewound, manifest.startedAt());
    return new Report(manifest, restored, rewound, elapsed);
  }

  /**
   * The checksums sit beside the data, so they prove the files intact, not genuine: what a restore would create
   * is held to this version's topology before anything is sent. A stream must be one a backup holds; an event
   * stream must keep its subjects, and an immutable one (AUDIT) its refusal of deletes and purges.
   */
  static void checkShape(BackupManifest.StreamCopy copy) throws BackupException {
    if (!BackupScope.streams().contains(copy.name())) {
      throw new BackupException("restore refused: the backup holds stream " + copy.name() + ", which no orderflow backup holds");
    }
    JsonObject config = copy.config();
    if (!copy.name().equals(config.getString("name"))) {
      throw new BackupException("restore refused: " + copy.file() + " describes stream " + config.getString("name") + ", not " + copy.name());
    }
    for (io.orderflow.runtime.messaging.Topology.StreamSpec spec : io.orderflow.runtime.messaging.Topology.STREAMS) {
      if (!spec.name().equals(copy.name())) continue;
      java.util.Set<Object> subjects = new java.util.HashSet<>(config.getJsonArray("subjects", new io.vertx.core.json.JsonArray()).getList());
      if (!subjects.equals(new java.util.HashSet<>(spec.subjects()))) {
        throw new BackupException("restore refused: stream " + copy.name() + " in the backup takes subjects " + subjects
            + ", this version's takes " + spec.subjects());
      }
      if (spec.immutable() && !(config.getBoolean("deny_delete", false) && config.getBoolean("deny_purge", false))) {
        throw new BackupException("restore refused: stream " + copy.name() + " in the backup allows deletes or purges; it must not");
      }
    }
  }

  private static void restoreOne(Connection nc, Path dir, BackupManifest.StreamCopy copy) throws IOException {
    long t = System.nanoTime();
    JsonObject info;
    try (InputStream in = Files.newInputStream(dir.resolve(copy.file()))) {
      info = StreamSnapshots.restore(nc, copy.name(), new StreamSnapshots.Described(copy.config(), copy.state()), in);
    }
    long last = info.getJsonObject("state", new JsonObject()).getLong("last_seq", -1L);
    if (last != copy.lastSequence()) {
      throw new BackupException("restore of " + copy.name() + " ended at sequence " + last + ", the backup's at " + copy.lastSequence());
    }
    LOG.info("restore: {} ({} messages, last sequence {}) in {} ms", copy.name(), copy.messages(), last, (System.nanoTime() - t) / 1_000_000);
  }

  private static List<String> existing(Connection nc, BackupManifest manifest) throws IOException {
    List<String> out = new ArrayList<>();
    for (BackupManifest.StreamCopy copy : manifest.streams()) {
      try {
        JetStreamBackup.streamInfo(nc, copy.name());
        out.add(copy.name());
      } catch (BackupException e) {
        if (e.apiErrorCode() != StreamSnapshots.STREAM_NOT_FOUND) throw e;
      }
    }
    return out;
  }
}
