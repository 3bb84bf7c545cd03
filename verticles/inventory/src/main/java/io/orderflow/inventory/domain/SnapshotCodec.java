package io.orderflow.inventory.domain;

import io.orderflow.codecs.StockLine;
import io.orderflow.runtime.snapshot.SnapshotFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link LedgerSnapshot}, in the {@link SnapshotFrame} every snapshot has (the remembered
 * orders make it large: a million of them is tens of MB as JSON). A snapshot that is not exactly this, a future
 * version included, is {@link SnapshotFrame.Unreadable}: the ledger then replays the stream instead.
 */
public final class SnapshotCodec {
  /** "OFLS": orderflow ledger snapshot. */
  static final int MAGIC = 0x4F464C53;
  public static final int VERSION = 1;

  private SnapshotCodec() {}

  public static byte[] encode(LedgerSnapshot s) {
    return SnapshotFrame.write(MAGIC, VERSION, out -> {
      out.writeLong(s.sequence());
      out.writeUTF(s.stream());
      out.writeInt(s.stock().size());
      for (StockLevel l : s.stock()) {
        out.writeUTF(l.sku());
        out.writeLong(l.available());
        out.writeLong(l.reserved());
        out.writeLong(l.sold());
      }
      out.writeInt(s.open().size());
      for (LedgerSnapshot.Open o : s.open()) {
        out.writeUTF(o.orderId());
        out.writeInt(o.lines().size());
        for (StockLine line : o.lines()) {
          out.writeUTF(line.sku());
          out.writeInt(line.quantity());
        }
      }
      out.writeInt(s.closed().size());
      for (LedgerSnapshot.Closed c : s.closed()) {
        out.writeUTF(c.orderId());
        out.writeByte(c.state().ordinal());
      }
    });
  }

  public static LedgerSnapshot decode(byte[] data) throws SnapshotFrame.Unreadable {
    return SnapshotFrame.read(data, MAGIC, VERSION, "a ledger snapshot", in -> {
      long sequence = in.readLong();
      String stream = in.readUTF();
      List<StockLevel> stock = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) stock.add(new StockLevel(in.readUTF(), in.readLong(), in.readLong(), in.readLong()));
      List<LedgerSnapshot.Open> open = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        String orderId = in.readUTF();
        List<StockLine> lines = new ArrayList<>();
        for (int j = in.readInt(); j > 0; j--) lines.add(new StockLine(in.readUTF(), in.readInt()));
        open.add(new LedgerSnapshot.Open(orderId, lines));
      }
      List<LedgerSnapshot.Closed> closed = new ArrayList<>();
      StockLedger.State[] states = StockLedger.State.values();
      for (int i = in.readInt(); i > 0; i--) closed.add(new LedgerSnapshot.Closed(in.readUTF(), states[in.readUnsignedByte()]));
      return new LedgerSnapshot(sequence, stream, stock, open, closed);
    });
  }
}
