package io.orderflow.runtime.backup;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.NatsConnector;
import io.orderflow.runtime.nats.NatsIdentities;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup of orderflow's JetStream data ({@link BackupScope}) with the server's own snapshots, one file per stream
 * plus {@link BackupManifest#FILE}.
 *
 * <p><b>Recovery point.</b> A restore brings back everything stored before the backup started
 * ({@link BackupManifest#startedAt()}); orders accepted after that are lost. With backups taken every {@code T},
 * the recovery point objective is {@code T} plus the duration of one backup. Orders in flight at the backup resume
 * after a restore: every consumer goes back to where it stood when the backup started and handles the rest again,
 * which the services already tolerate (a redelivery after a crash is the same thing). Orders that had not been
 * charged yet end CANCELLED (payment token expired), and orders ending after a restore get no mail (recorded as
 * skipped, no contact): the hand-offs of payment tokens and addresses are not backed up ({@link BackupScope#EXCLUDED}).
 *
 * <p>Blocking: run it as a command or on a worker, never on an event loop.
 */
public final class JetStreamBackup {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamBackup.class);
  private static final Duration API_TIMEOUT = Duration.ofSeconds(15);
  static final String SUFFIX = ".tar.s2";

  private JetStreamBackup() {}

  /** Backs up into {@code dir} (absent or empty) as the {@code backup} identity of {@code settings}. */
  public static BackupManifest backup(Settings settings, Path dir) throws IOException {
    try (Connection nc = connect(settings)) {
      return backup(nc, dir);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the NATS connection");
    }
  }

  /** Backs up into {@code dir} (absent or empty) over {@code nc}, which may snapshot every stream of the scope. */
  public static BackupManifest backup(Connection nc, Path dir) throws IOException {
    prepare(dir);
    List<String> streams = BackupScope.streams();
    requirePresent(nc, streams);
    Instant startedAt = Instant.now();
    // Positions first: a consumer restored to these cannot be ahead of an effect it caused in a stream copied later.
    List<BackupManifest.ConsumerPosition> positions = ConsumerPositions.record(nc, streams);
    List<BackupManifest.StreamCopy> copies = new ArrayList<>();
    for (String stream : streams) copies.add(copy(nc, stream, dir));
    var excluded = BackupScope.EXCLUDED.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .map(e -> new BackupManifest.Excluded(e.getKey(), e.getValue())).toList();
    BackupManifest manifest = new BackupManifest(startedAt, Instant.now(), nc.getServerInfo().getVersion(), copies, positions, excluded);
    manifest.write(dir);
    LOG.info("backup of {} streams ({} messages, {} bytes) and {} consumer positions in {} ms: recovery point {}", copies.size(),
        manifest.messages(), manifest.bytes(), positions.size(), Duration.between(startedAt, manifest.completedAt()).toMillis(), startedAt);
    return manifest;
  }

  /** One stream's snapshot into {@code <stream>.tar.s2}, hashed as it is written, synced before it is named. */
  private static BackupManifest.StreamCopy copy(Connection nc, String stream, Path dir) throws IOException {
    Path partial = dir.resolve(stream + SUFFIX + ".partial");
    MessageDigest digest = BackupManifest.newDigest();
    long started = System.nanoTime();
    StreamSnapshots.Described described;
    // Closing the channel closes the stream on it: nothing buffers, so the sync below covers every chunk.
    try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      described = StreamSnapshots.snapshot(nc, stream, new DigestOutputStream(Channels.newOutputStream(ch), digest));
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Path file = dir.resolve(stream + SUFFIX);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    var copy = new BackupManifest.StreamCopy(stream, file.getFileName().toString(), Files.size(file), HexFormat.of().formatHex(digest.digest()),
        Instant.now(), described.config(), described.state());
    LOG.info("backup: {} ({} messages, last sequence {}) -> {} ({} bytes) in {} ms", stream, copy.messages(), copy.lastSequence(),
        copy.file(), copy.bytes(), (System.nanoTime() - started) / 1_000_000);
    return copy;
  }

  /** A backup goes into a directory of its own: it never mixes with, or replaces, another backup. */
  private static void prepare(Path dir) throws IOException {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) throw new BackupException("cannot back up into " + dir + ": it is a file");
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) throw new BackupException("cannot back up into " + dir + ": it is not empty (a backup goes into a new directory)");
      }
    }
    Files.createDirectories(dir);
  }

  /** Every stream of the scope exists: a backup that silently lacks one would restore a broken system. */
  private static void requirePresent(Connection nc, List<String> streams) throws IOException {
    List<String> missing = new ArrayList<>();
    for (String stream : streams) {
      try {
        streamInfo(nc, stream);
      } catch (BackupException e) {
        if (e.apiErrorCode() != StreamSnapshots.STREAM_NOT_FOUND) throw e;
        missing.add(stream);
      }
    }
    if (!missing.isEmpty()) throw new BackupException("cannot back up: no stream " + String.join(", ", missing) + " on the server (provision first)");
  }

  /** A connection as the {@code backup} identity that fails instead of reconnecting: a backup is one pass. */
  static Connection connect(Settings settings) throws IOException {
    return connect(settings, NatsIdentities.BACKUP);
  }

  /** A connection as {@code identity} ({@code backup}, {@code restore}) that fails instead of reconnecting. */
  static Connection connect(Settings settings, String identity) throws IOException {
    try {
      return Nats.connect(NatsConnector.options(settings, identity).maxReconnects(0).build());
    } catch (AuthenticationException e) {
      throw new BackupException("NATS refused the " + identity + " identity's credentials (" + e.getMessage() + "): set "
          + Settings.envName(NatsIdentities.passwordKey(identity)), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting to NATS");
    }
  }

  static JsonObject streamInfo(Connection nc, String stream) throws IOException {
    return StreamSnapshots.request(nc, "$JS.API.STREAM.INFO." + stream, null, API_TIMEOUT, "stream info of " + stream);
  }
}
