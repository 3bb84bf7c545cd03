package io.orderflow.inventory;

import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.StreamInfo;
import io.orderflow.inventory.domain.LedgerSnapshot;
import io.orderflow.inventory.domain.SnapshotCodec;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's snapshots in the INVENTORY_SNAPSHOTS object store (one object, replaced by each new snapshot),
 * and when to take the next: after {@code every} decisions of this instance, or at the next {@code interval}
 * tick after any. Only an instance that decides takes snapshots, so a standby writes nothing. Snapshots only
 * shorten start-up: a missing, corrupt, other-version or other-stream one is reported and the ledger folds
 * the whole stream, as without snapshots. Call everything but {@link #load} on the ledger's context.
 */
public final class LedgerSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerSnapshots.class);
  static final String OBJECT = "ledger";

  /** Defaults: a start-up folds at most this many of this instance's decisions after the snapshot. */
  static final int DEFAULT_EVERY = 10_000;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  private final JetStreamBridge bridge;
  private final int every;
  private final Duration interval;
  private volatile String streamIdentity;
  private long decisions;
  private boolean saving;

  LedgerSnapshots(JetStreamBridge bridge, int every, Duration interval) {
    this.bridge = bridge;
    this.every = Math.max(1, every);
    this.interval = interval;
  }

  Duration interval() {
    return interval;
  }

  /** The stored snapshot when it fits the INVENTORY stream as it is now; empty (with the reason logged) otherwise. */
  Future<Optional<LedgerSnapshot>> load() {
    return bridge.blocking(() -> {
      StreamInfo info = bridge.management().getStreamInfo(Topology.INVENTORY);
      streamIdentity = identity(info);
      try {
        ObjectStore store = bridge.connection().objectStore(Topology.INVENTORY_SNAPSHOTS.name());
        ObjectInfo object = store.getInfo(OBJECT);
        if (object == null || object.isDeleted()) {
          LOG.info("no ledger snapshot: folding the INVENTORY stream from its start");
          return Optional.<LedgerSnapshot>empty();
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, Math.max(1024, object.getSize())));
        store.get(OBJECT, data); // checks the object's digest
        LedgerSnapshot s = SnapshotCodec.decode(data.toByteArray());
        long last = info.getStreamState().getLastSequence();
        if (!s.stream().equals(streamIdentity) || s.sequence() > last) {
          LOG.warn("ledger snapshot at sequence {} is of another INVENTORY stream (created {}, this one {}, last sequence {}): "
              + "folding the stream from its start", s.sequence(), s.stream(), streamIdentity, last);
          return Optional.<LedgerSnapshot>empty();
        }
        LOG.info("ledger snapshot at sequence {} of {}: folding the {} messages after it", s.sequence(), last, last - s.sequence());
        return Optional.of(s);
      } catch (io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable | java.io.IOException | io.nats.client.JetStreamApiException | RuntimeException e) {
        // Corrupt, another format version, a digest mismatch, a snapshot being replaced while read: replay instead.
        LOG.warn("ledger snapshot not usable ({}): folding the INVENTORY stream from its start", e.toString());
        return Optional.<LedgerSnapshot>empty();
      }
    });
  }

  /** This instance stored a decision. */
  void decided() {
    decisions++;
  }

  /** True when a snapshot should be taken now: enough decisions, or any at an interval tick; never two at once. */
  boolean due(boolean intervalTick) {
    return !saving && streamIdentity != null && decisions > 0 && (intervalTick || decisions >= every);
  }

  /** Stores a snapshot taken on the ledger's context just now; encoding and upload run on a worker. */
  Future<Void> save(LedgerSnapshot taken) {
    saving = true;
    decisions = 0;
    LedgerSnapshot s = taken.ofStream(streamIdentity);
    return bridge.blocking(() -> {
      int bytes = put(bridge.connection(), s);
      LOG.debug("ledger snapshot at sequence {} stored ({} bytes)", s.sequence(), bytes);
      return (Void) null;
    }).onComplete(ar -> {
      saving = false;
      if (ar.failed()) LOG.warn("ledger snapshot at sequence {} not stored: {}", s.sequence(), ar.cause().toString());
    });
  }

  /**
   * Stores a ledger as the snapshot a starting inventory instance loads, stamped with the INVENTORY stream's
   * current incarnation: for a tool that writes the stream itself (the bench's history) without running inventory.
   * Blocking.
   */
  public static void store(Connection nc, LedgerSnapshot s) throws java.io.IOException, io.nats.client.JetStreamApiException {
    put(nc, s.ofStream(identity(nc.jetStreamManagement().getStreamInfo(Topology.INVENTORY))));
  }

  private static int put(Connection nc, LedgerSnapshot s) throws java.io.IOException, io.nats.client.JetStreamApiException {
    byte[] data = SnapshotCodec.encode(s);
    try {
      nc.objectStore(Topology.INVENTORY_SNAPSHOTS.name()).put(OBJECT, data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 (the object digest) is part of every JDK", e);
    }
    return data.length;
  }

  /** Which incarnation of the stream a snapshot belongs to: a stream deleted and created again starts over. */
  static String identity(StreamInfo info) {
    return JetStreamBridge.streamIdentity(info);
  }
}
