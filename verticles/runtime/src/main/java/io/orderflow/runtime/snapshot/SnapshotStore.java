package io.orderflow.runtime.snapshot;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.StreamInfo;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of a state folded from a stream (inventory's ledger, audit's chain), kept in an object store as one
 * object that each new snapshot replaces, and when to take the next: after {@code every} changes made by this
 * instance, or at the next {@code interval} tick after any. Only an instance that changes the state takes
 * snapshots, so a standby writes nothing.
 * <p>
 * Snapshots only shorten start-up. One that is missing, corrupt, of another format version, of another
 * incarnation of the stream (deleted and created again), past the stream's end, or refused by the kind's own
 * check ({@link Kind#fit}) is reported, and the caller folds the whole stream as it would without snapshots.
 * Call {@link #changed}, {@link #due} and {@link #save} on the state's context; loading and storing run on a
 * worker.
 */
public final class SnapshotStore<S extends SnapshotStore.Snapshot<S>> {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

  /** A snapshot: the state folded up to a stream sequence, stamped with the stream's incarnation. */
  public interface Snapshot<S> {
    long sequence();

    /** The stream's incarnation ({@link JetStreamBridge#streamIdentity}) the state was folded from. */
    String stream();

    S ofStream(String streamIdentity);
  }

  /** Why a snapshot that fits the stream's incarnation and end still must not be used, or null when it may. */
  @FunctionalInterface
  public interface Fit<S> {
    String mismatch(S snapshot, JetStreamManagement jsm) throws IOException, JetStreamApiException;
  }

  @FunctionalInterface
  public interface Decoder<S> {
    S decode(byte[] data) throws SnapshotFrame.Unreadable;
  }

  /**
   * What is snapshotted and where: {@code name} for the logs ("ledger"), the stream it is folded from, the
   * object store and the object's name in it, the codec, and any check beyond incarnation and end.
   */
  public record Kind<S>(String name, String stream, String objectStore, String object, Function<S, byte[]> encoder, Decoder<S> decoder,
                        Fit<S> fit) {}

  private final JetStreamBridge bridge;
  private final Kind<S> kind;
  private final long every;
  private final Duration interval;
  private volatile String streamIdentity;
  private long changes;
  private boolean saving;

  public SnapshotStore(JetStreamBridge bridge, Kind<S> kind, long every, Duration interval) {
    this.bridge = bridge;
    this.kind = kind;
    this.every = Math.max(1, every);
    this.interval = interval;
  }

  public Duration interval() {
    return interval;
  }

  /** The stored snapshot when it fits the stream as it is now; empty (with the reason logged) otherwise. */
  public Future<Optional<S>> load() {
    return bridge.blocking(() -> {
      StreamInfo info = bridge.management().getStreamInfo(kind.stream());
      streamIdentity = JetStreamBridge.streamIdentity(info);
      try {
        ObjectStore store = bridge.connection().objectStore(kind.objectStore());
        ObjectInfo object = store.getInfo(kind.object());
        if (object == null || object.isDeleted()) {
          LOG.info("no {} snapshot: folding the {} stream from its start", kind.name(), kind.stream());
          return Optional.<S>empty();
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, Math.max(1024, object.getSize())));
        store.get(kind.object(), data); // checks the object's digest
        S s = kind.decoder().decode(data.toByteArray());
        long last = info.getStreamState().getLastSequence();
        String mismatch = !s.stream().equals(streamIdentity)
            ? "of another " + kind.stream() + " stream, created " + s.stream() + ", this one " + streamIdentity
            : s.sequence() > last ? "past the stream's end at " + last : kind.fit().mismatch(s, bridge.management());
        if (mismatch != null) {
          LOG.warn("{} snapshot at sequence {} not usable ({}): folding the {} stream from its start", kind.name(), s.sequence(),
              mismatch, kind.stream());
          return Optional.<S>empty();
        }
        LOG.info("{} snapshot at sequence {} of {}: folding the {} messages after it", kind.name(), s.sequence(), last, last - s.sequence());
        return Optional.of(s);
      } catch (SnapshotFrame.Unreadable | IOException | JetStreamApiException | java.security.NoSuchAlgorithmException
               | RuntimeException e) {
        // Corrupt, another format version, a digest mismatch, a snapshot being replaced while read: fold instead.
        LOG.warn("{} snapshot not usable ({}): folding the {} stream from its start", kind.name(), e.toString(), kind.stream());
        return Optional.<S>empty();
      }
    });
  }

  /** This instance changed the state by {@code count} (decisions, entries). */
  public void changed(long count) {
    changes += count;
  }

  /** True when a snapshot should be taken now: enough changes, or any at an interval tick; never two at once. */
  public boolean due(boolean intervalTick) {
    return !saving && streamIdentity != null && changes > 0 && (intervalTick || changes >= every);
  }

  /** Stores a snapshot taken on the state's context just now; encoding and upload run on a worker. */
  public Future<Void> save(S taken) {
    saving = true;
    changes = 0;
    S s = taken.ofStream(streamIdentity);
    return bridge.blocking(() -> {
      int bytes = put(bridge.connection(), kind, s);
      LOG.debug("{} snapshot at sequence {} stored ({} bytes)", kind.name(), s.sequence(), bytes);
      return (Void) null;
    }).onComplete(ar -> {
      saving = false;
      if (ar.failed()) LOG.warn("{} snapshot at sequence {} not stored: {}", kind.name(), s.sequence(), ar.cause().toString());
    });
  }

  /**
   * Stores a state as the snapshot a starting instance loads, stamped with the stream's current incarnation: for
   * a tool that writes the stream itself (the bench's history) without running the service. Blocking.
   */
  public static <S extends Snapshot<S>> void store(Connection nc, Kind<S> kind, S s) throws IOException, JetStreamApiException {
    put(nc, kind, s.ofStream(JetStreamBridge.streamIdentity(nc.jetStreamManagement().getStreamInfo(kind.stream()))));
  }

  private static <S> int put(Connection nc, Kind<S> kind, S s) throws IOException, JetStreamApiException {
    byte[] data = kind.encoder().apply(s);
    try {
      nc.objectStore(kind.objectStore()).put(kind.object(), data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 (the object digest) is part of every JDK", e);
    }
    return data.length;
  }
}
