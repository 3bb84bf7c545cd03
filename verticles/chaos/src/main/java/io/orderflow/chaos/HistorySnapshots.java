package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.orderflow.audit.AuditSnapshots;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.ChainState;
import io.orderflow.codecs.Envelope;
import io.orderflow.inventory.LedgerSnapshots;
import io.orderflow.inventory.domain.StockLedger;
import io.orderflow.runtime.messaging.Topology;

/**
 * The snapshots a system that had processed the history would hold: inventory's ledger and audit's chain state,
 * each folded by the services' own domain classes from exactly what the loader stored, and stored with their
 * own public calls (the same object names, formats and stream identity as the services write). Without them
 * the services would fold the whole history at start, which no system of that age does.
 */
final class HistorySnapshots {
  /** The ledger forgets nothing here: a starting inventory trims it to its own setting, as its fold would. */
  private final StockLedger ledger = new StockLedger(Integer.MAX_VALUE);
  private final ChainState chain = new ChainState();
  private long inventorySequence;
  private long auditSequence;

  /** An event the loader stored; those in the INVENTORY stream are numbered in the order they were written (one lane). */
  void stored(HistoryWriter.Lane lane, Envelope e) {
    if (lane == HistoryWriter.Lane.INVENTORY) ledger.apply(++inventorySequence, e.data());
  }

  /** A block the loader stored: the AUDIT stream holds only the history's blocks, in order. */
  void chained(AuditBlock block) {
    if (!chain.fold(++auditSequence, block)) throw new IllegalStateException("audit block " + auditSequence + " folded twice");
  }

  /** Stores both once everything is written; checks first that the streams hold exactly what was folded. */
  void store(Connection nc) throws Exception {
    JetStreamManagement jsm = nc.jetStreamManagement();
    expect(jsm, Topology.INVENTORY, inventorySequence);
    expect(jsm, Topology.AUDIT, auditSequence);
    if (chain.brokenAt() != 0) throw new IllegalStateException("the history's audit chain is broken at " + chain.brokenAt());
    LedgerSnapshots.store(nc, ledger.snapshot());
    if (chain.snapshotReady()) AuditSnapshots.store(nc, chain.snapshot());
  }

  private static void expect(JetStreamManagement jsm, String stream, long folded) throws Exception {
    long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
    if (last != folded) throw new IllegalStateException(stream + " holds " + last + " messages, the history folded " + folded);
  }
}
