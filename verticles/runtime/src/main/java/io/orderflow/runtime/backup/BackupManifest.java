package io.orderflow.runtime.backup;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What a backup directory holds: one snapshot file per stream with its size and SHA-256 (the server's snapshot
 * carries no checksum a client can check before sending it back), the configuration and state the server gave
 * with each snapshot, the consumer positions recorded before the first snapshot, and what was left out and why.
 * The manifest is written last: a directory without one is a backup that did not finish.
 *
 * @param startedAt when the consumer positions were recorded, just before the first snapshot: the recovery point.
 *     Everything stored before it is in the backup; what was stored after it may or may not be
 * @param completedAt when the last snapshot was written
 */
public record BackupManifest(Instant startedAt, Instant completedAt, String serverVersion, List<StreamCopy> streams,
    List<ConsumerPosition> positions, List<Excluded> excluded) {
  public static final String FILE = "manifest.json";
  static final String FORMAT = "orderflow-jetstream-backup/1";

  public BackupManifest {
    streams = List.copyOf(streams);
    positions = List.copyOf(positions);
    excluded = List.copyOf(excluded);
  }

  /**
   * One stream's snapshot.
   *
   * @param config the stream's configuration as the server gave it with the snapshot (a restore sends it back)
   * @param state the stream's state as of the snapshot (messages, first and last sequence, consumer count)
   */
  public record StreamCopy(String name, String file, long bytes, String sha256, Instant takenAt, JsonObject config, JsonObject state) {
    public StreamCopy {
      for (Object required : new Object[] {name, file, sha256, takenAt, config, state}) java.util.Objects.requireNonNull(required, "a stream entry lacks a field");
    }

    public long messages() {
      return state.getLong("messages", 0L);
    }

    public long lastSequence() {
      return state.getLong("last_seq", 0L);
    }
  }

  /** A durable consumer's acknowledgement floor (stream sequence) when the backup started. */
  public record ConsumerPosition(String stream, String consumer, long ackFloor) {}

  public record Excluded(String stream, String reason) {}

  public long messages() {
    return streams.stream().mapToLong(StreamCopy::messages).sum();
  }

  public long bytes() {
    return streams.stream().mapToLong(StreamCopy::bytes).sum();
  }

  /** Writes the manifest into {@code dir} atomically and durably: it appears whole or not at all. */
  void write(Path dir) throws IOException {
    Path partial = dir.resolve(FILE + ".partial");
    Files.writeString(partial, toJson().encodePrettily(), StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(partial, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads the manifest of {@code dir} and checks every file it names against its size and SHA-256, before anything
   * touches a server: a partial, truncated or altered backup is refused whole.
   */
  public static BackupManifest readVerified(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new BackupException("no backup at " + dir + ": not a directory");
    BackupManifest manifest;
    try {
      manifest = fromJson(new JsonObject(Files.readString(dir.resolve(FILE))));
    } catch (NoSuchFileException e) {
      throw new BackupException(dir + " has no " + FILE + ": not a backup, or one that did not finish (the manifest is written last)");
    } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new BackupException(dir.resolve(FILE) + " is not a readable backup manifest: " + e.getMessage(), e);
    }
    for (StreamCopy s : manifest.streams()) {
      Path base = dir.toAbsolutePath().normalize();
      Path file = base.resolve(s.file()).normalize();
      if (!base.equals(file.getParent())) throw new BackupException("the manifest names a file outside the backup: " + s.file());
      if (!Files.isRegularFile(file)) throw new BackupException("backup is incomplete: " + s.file() + " (stream " + s.name() + ") is missing");
      long size = Files.size(file);
      if (size != s.bytes()) {
        throw new BackupException("backup file " + s.file() + " is damaged: " + size + " bytes, the manifest says " + s.bytes());
      }
      String sha = sha256(file);
      if (!sha.equals(s.sha256())) {
        throw new BackupException("backup file " + s.file() + " is damaged: SHA-256 " + sha + ", the manifest says " + s.sha256());
      }
    }
    return manifest;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  JsonObject toJson() {
    JsonArray streamArray = new JsonArray();
    for (StreamCopy s : streams) {
      streamArray.add(new JsonObject().put("name", s.name()).put("file", s.file()).put("bytes", s.bytes()).put("sha256", s.sha256())
          .put("takenAt", s.takenAt().toString()).put("config", s.config()).put("state", s.state()));
    }
    JsonArray positionArray = new JsonArray();
    positions.forEach(p -> positionArray.add(new JsonObject().put("stream", p.stream()).put("consumer", p.consumer()).put("ackFloor", p.ackFloor())));
    JsonArray excludedArray = new JsonArray();
    excluded.forEach(e -> excludedArray.add(new JsonObject().put("stream", e.stream()).put("reason", e.reason())));
    return new JsonObject().put("format", FORMAT).put("startedAt", startedAt.toString()).put("completedAt", completedAt.toString())
        .put("serverVersion", serverVersion).put("streams", streamArray).put("positions", positionArray).put("excluded", excludedArray);
  }

  static BackupManifest fromJson(JsonObject json) {
    if (!FORMAT.equals(json.getString("format"))) throw new IllegalArgumentException("format " + json.getString("format") + ", expected " + FORMAT);
    List<StreamCopy> streams = json.getJsonArray("streams").stream().map(JsonObject.class::cast)
        .map(s -> new StreamCopy(s.getString("name"), s.getString("file"), s.getLong("bytes"), s.getString("sha256"),
            Instant.parse(s.getString("takenAt")), s.getJsonObject("config"), s.getJsonObject("state")))
        .toList();
    List<ConsumerPosition> positions = json.getJsonArray("positions").stream().map(JsonObject.class::cast)
        .map(p -> new ConsumerPosition(p.getString("stream"), p.getString("consumer"), p.getLong("ackFloor"))).toList();
    List<Excluded> excluded = json.getJsonArray("excluded").stream().map(JsonObject.class::cast)
        .map(e -> new Excluded(e.getString("stream"), e.getString("reason"))).toList();
    return new BackupManifest(Instant.parse(json.getString("startedAt")), Instant.parse(json.getString("completedAt")),
        json.getString("serverVersion"), streams, positions, excluded);
  }
}
