package io.orderflow.audit;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.StreamInfo;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.ChainSnapshot;
import io.orderflow.audit.domain.ChainSnapshotCodec;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain state's snapshots in the AUDIT_SNAPSHOTS object store (one object, replaced by each new snapshot),
 * and when to take the next: after {@code every} entries appended by this instance, or at the next
 * {@code interval} tick after any. Only the writing instance takes snapshots. Snapshots only shorten start-up:
 * a missing, corrupt, other-version or other-stream one, or one whose head is not the hash of the block stored at
 * its sequence, is reported and the whole stream is folded, as without snapshots. Call {@link #appended},
 * {@link #due} and {@link #save} on the audit log's context.
 */
public final class AuditSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSnapshots.class);
  static final String OBJECT = "chain";

  /** Defaults: a start-up folds at most about this many of this instance's entries after the snapshot. */
  static final int DEFAULT_EVERY = 50_000;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  private final JetStreamBridge bridge;
  private final int every;
  private final Duration interval;
  private volatile String streamIdentity;
  private long appended;
  private boolean saving;

  AuditSnapshots(JetStreamBridge bridge, int every, Duration interval) {
    this.bridge = bridge;
    this.every = Math.max(1, every);
    this.interval = interval;
  }

  Duration interval() {
    return interval;
  }

  /** The stored snapshot when it fits the AUDIT stream as it is now; empty (with the reason logged) otherwise. */
  Future<Optional<ChainSnapshot>> load() {
    return bridge.blocking(() -> {
      StreamInfo info = bridge.management().getStreamInfo(Topology.AUDIT);
      streamIdentity = JetStreamBridge.streamIdentity(info);
      try {
        ObjectStore store = bridge.connection().objectStore(Topology.AUDIT_SNAPSHOTS.name());
        ObjectInfo object = store.getInfo(OBJECT);
        if (object == null || object.isDeleted()) {
          LOG.info("no audit snapshot: folding the AUDIT stream from its start");
          return Optional.<ChainSnapshot>empty();
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, Math.max(1024, object.getSize())));
        store.get(OBJECT, data); // checks the object's digest
        ChainSnapshot s = ChainSnapshotCodec.decode(data.toByteArray());
        long last = info.getStreamState().getLastSequence();
        String mismatch = mismatch(s, last);
        if (mismatch != null) {
          LOG.warn("audit snapshot at sequence {} not usable ({}): folding the AUDIT stream from its start", s.sequence(), mismatch);
          return Optional.<ChainSnapshot>empty();
        }
        LOG.info("audit snapshot at sequence {} of {} ({} orders): folding the {} blocks after it", s.sequence(), last,
            s.subjects().size(), last - s.sequence());
        return Optional.of(s);
      } catch (io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable | IOException | JetStreamApiException | java.security.NoSuchAlgorithmException
               | RuntimeException e) {
        // Corrupt, another format version, a digest mismatch, a snapshot being replaced while read: replay instead.
        LOG.warn("audit snapshot not usable ({}): folding the AUDIT stream from its start", e.toString());
        return Optional.<ChainSnapshot>empty();
      }
    });
  }

  /** Why the snapshot does not belong to the AUDIT stream as it is, or null when it does. */
  private String mismatch(ChainSnapshot s, long last) throws IOException, JetStreamApiException {
    if (!s.stream().equals(streamIdentity)) return "of another AUDIT stream, created " + s.stream() + ", this one " + streamIdentity;
    if (s.sequence() > last) return "past the stream's end at " + last;
    // One message read: the block stored there must be the one the snapshot's head came from.
    AuditBlock block = BlockCodec.decode(bridge.management().getMessage(Topology.AUDIT, s.sequence()).getData());
    if (!block.hash().equals(s.head()) || block.nextIndex() != s.nextIndex()) return "the block at its sequence has another head";
    return null;
  }

  /** This instance stored a block of {@code entries}. */
  void appended(int entries) {
    appended += entries;
  }

  /** True when a snapshot should be taken now: enough entries, or any at an interval tick; never two at once. */
  boolean due(boolean intervalTick) {
    return !saving && streamIdentity != null && appended > 0 && (intervalTick || appended >= every);
  }

  /** Stores a snapshot taken on the audit log's context just now; encoding and upload run on a worker. */
  Future<Void> save(ChainSnapshot taken) {
    saving = true;
    appended = 0;
    ChainSnapshot s = taken.ofStream(streamIdentity);
    return bridge.blocking(() -> {
      int bytes = put(bridge.connection(), s);
      LOG.debug("audit snapshot at sequence {} stored ({} bytes)", s.sequence(), bytes);
      return (Void) null;
    }).onComplete(ar -> {
      saving = false;
      if (ar.failed()) LOG.warn("audit snapshot at sequence {} not stored: {}", s.sequence(), ar.cause().toString());
    });
  }

  /**
   * Stores a chain state as the snapshot a starting audit instance loads, stamped with the AUDIT stream's current
   * incarnation: for a tool that writes the chain itself (the bench's history) without running audit. Blocking.
   */
  public static void store(Connection nc, ChainSnapshot s) throws IOException, JetStreamApiException {
    put(nc, s.ofStream(JetStreamBridge.streamIdentity(nc.jetStreamManagement().getStreamInfo(Topology.AUDIT))));
  }

  private static int put(Connection nc, ChainSnapshot s) throws IOException, JetStreamApiException {
    byte[] data = ChainSnapshotCodec.encode(s);
    try {
      nc.objectStore(Topology.AUDIT_SNAPSHOTS.name()).put(OBJECT, data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 (the object digest) is part of every JDK", e);
    }
    return data.length;
  }
}
