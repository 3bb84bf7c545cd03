package io.orderflow.inventory;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.orderflow.inventory.domain.LedgerSnapshot;
import io.orderflow.inventory.domain.SnapshotCodec;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.snapshot.SnapshotStore;
import java.io.IOException;
import java.time.Duration;

/**
 * The ledger's snapshots: the object {@code ledger} in the INVENTORY_SNAPSHOTS object store, the ledger folded up
 * to a sequence of the INVENTORY stream. Taken by the deciding instance every {@link #DEFAULT_EVERY} decisions or
 * {@link #DEFAULT_INTERVAL}; how they are stored, loaded and refused is {@link SnapshotStore}'s.
 */
public final class LedgerSnapshots {
  static final String OBJECT = "ledger";

  /** Defaults: a start-up folds at most this many of this instance's decisions after the snapshot. */
  static final int DEFAULT_EVERY = 10_000;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  static final SnapshotStore.Kind<LedgerSnapshot> KIND = new SnapshotStore.Kind<>("ledger", Topology.INVENTORY,
      Topology.INVENTORY_SNAPSHOTS.name(), OBJECT, SnapshotCodec::encode, SnapshotCodec::decode, (snapshot, jsm) -> null);

  private LedgerSnapshots() {}

  /** Stores a ledger as the snapshot a starting inventory instance loads (the bench's history). Blocking. */
  public static void store(Connection nc, LedgerSnapshot s) throws IOException, JetStreamApiException {
    SnapshotStore.store(nc, KIND, s);
  }
}
