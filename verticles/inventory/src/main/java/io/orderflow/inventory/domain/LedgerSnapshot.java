package io.orderflow.inventory.domain;

import io.orderflow.codecs.StockLine;
import io.orderflow.runtime.snapshot.SnapshotStore;
import java.util.List;

/**
 * The whole {@link StockLedger} at one INVENTORY stream sequence: exactly the fold of the stream up to and
 * including {@code sequence}. {@code stream} names the stream's incarnation (its creation time), so a
 * snapshot of a stream that was since deleted and recreated is never applied to the new one.
 * {@code closed} is in the order the ledger forgets it (oldest first).
 */
public record LedgerSnapshot(long sequence, String stream, List<StockLevel> stock, List<Open> open, List<Closed> closed)
    implements SnapshotStore.Snapshot<LedgerSnapshot> {
  public LedgerSnapshot {
    stock = List.copyOf(stock);
    open = List.copyOf(open);
    closed = List.copyOf(closed);
  }

  /** A reservation not settled yet. */
  public record Open(String orderId, List<StockLine> lines) {
    public Open {
      lines = List.copyOf(lines);
    }
  }

  /** An order whose reservation ended (or never happened), remembered for deduplication. */
  public record Closed(String orderId, StockLedger.State state) {}

  /** The same state, stamped with the stream it belongs to. */
  public LedgerSnapshot ofStream(String streamIdentity) {
    return new LedgerSnapshot(sequence, streamIdentity, stock, open, closed);
  }
}
