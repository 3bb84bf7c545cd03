package io.orderflow.inventory.domain;

import io.orderflow.codecs.StockLine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The binary form of a {@link LedgerSnapshot}: a magic number and a format version in clear, then the
 * gzipped body and a CRC-32 of it. Binary and compressed because the remembered orders make it large (a
 * million of them is tens of MB as JSON). Anything that is not exactly this, a future version included,
 * is {@link Unreadable}: the ledger then replays the stream instead, which is always correct.
 */
public final class SnapshotCodec {
  /** "OFLS": orderflow ledger snapshot. */
  static final int MAGIC = 0x4F464C53;
  public static final int VERSION = 1;

  private SnapshotCodec() {}

  /** The snapshot cannot be used (corrupt, truncated, or written by another format version). */
  public static final class Unreadable extends Exception {
    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static byte[] encode(LedgerSnapshot s) {
    try {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream(64 * 1024);
      // Buffered: a gzip stream deflates every single-byte write (writeByte, writeShort) on its own.
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(zipped, 64 * 1024), 64 * 1024))) {
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
      }
      byte[] body = zipped.toByteArray();
      ByteArrayOutputStream framed = new ByteArrayOutputStream(body.length + 16);
      DataOutputStream out = new DataOutputStream(framed);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(body.length);
      out.write(body);
      out.writeLong(crc(body));
      return framed.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  public static LedgerSnapshot decode(byte[] data) throws Unreadable {
    try {
      DataInputStream frame = new DataInputStream(new ByteArrayInputStream(data));
      if (frame.readInt() != MAGIC) throw new Unreadable("not a ledger snapshot", null);
      int version = frame.readInt();
      if (version != VERSION) throw new Unreadable("snapshot format " + version + ", this version reads " + VERSION, null);
      byte[] body = frame.readNBytes(frame.readInt());
      if (frame.readLong() != crc(body)) throw new Unreadable("snapshot checksum does not match", null);
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(new ByteArrayInputStream(body)), 64 * 1024))) {
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
        if (in.read() != -1) throw new Unreadable("trailing data after the snapshot", null);
        return new LedgerSnapshot(sequence, stream, stock, open, closed);
      }
    } catch (IOException | RuntimeException e) {
      // Truncated, not gzip, a bad state ordinal, an invalid SKU: all mean the same, do not trust it.
      throw new Unreadable("unreadable snapshot: " + e, e);
    }
  }

  private static long crc(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return crc.getValue();
  }
}
