package io.orderflow.audit;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.ChainSnapshot;
import io.orderflow.audit.domain.ChainSnapshotCodec;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.snapshot.SnapshotStore;
import java.io.IOException;
import java.time.Duration;

/**
 * The chain state's snapshots: the object {@code chain} in the AUDIT_SNAPSHOTS object store, the chain head and
 * per-order index folded up to a block of the AUDIT stream. Taken by the writing instance every
 * {@link #DEFAULT_EVERY} entries or {@link #DEFAULT_INTERVAL}; how they are stored, loaded and refused is
 * {@link SnapshotStore}'s, plus one check of audit's own: the block stored at the snapshot's sequence must be the
 * one its head came from.
 */
public final class AuditSnapshots {
  static final String OBJECT = "chain";

  /** Defaults: a start-up folds at most about this many of this instance's entries after the snapshot. */
  static final int DEFAULT_EVERY = 50_000;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  static final SnapshotStore.Kind<ChainSnapshot> KIND = new SnapshotStore.Kind<>("audit", Topology.AUDIT,
      Topology.AUDIT_SNAPSHOTS.name(), OBJECT, ChainSnapshotCodec::encode, ChainSnapshotCodec::decode, AuditSnapshots::headMismatch);

  private AuditSnapshots() {}

  /** Stores a chain state as the snapshot a starting audit instance loads (the bench's history). Blocking. */
  public static void store(Connection nc, ChainSnapshot s) throws IOException, JetStreamApiException {
    SnapshotStore.store(nc, KIND, s);
  }

  /** One message read: the block stored at the snapshot's sequence must carry its head. */
  private static String headMismatch(ChainSnapshot s, JetStreamManagement jsm) throws IOException, JetStreamApiException {
    AuditBlock block = BlockCodec.decode(jsm.getMessage(Topology.AUDIT, s.sequence()).getData());
    return block.hash().equals(s.head()) && block.nextIndex() == s.nextIndex() ? null : "the block at its sequence has another head";
  }
}
