package io.orderflow.runtime.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The frame a service's snapshot of its state is stored in (inventory's ledger, audit's chain state): a magic
 * number naming the kind and a format version in clear, then the gzipped body and a CRC-32 of it. Binary and
 * compressed because the state holds something per order of the history. Anything that is not exactly this,
 * another kind or a future version included, is {@link Unreadable}: the owner then folds its stream instead,
 * which is always correct. Pure: bytes in, bytes out.
 */
public final class SnapshotFrame {
  private static final int BUFFER = 64 * 1024;

  private SnapshotFrame() {}

  /** The snapshot cannot be used (corrupt, truncated, another kind, or written by another format version). */
  public static final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message);
    }

    public Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Writes a snapshot's body. */
  @FunctionalInterface
  public interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads a snapshot's body; the frame checks that nothing follows it. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(DataInputStream in) throws IOException, Unreadable;
  }

  public static byte[] write(int magic, int version, Body body) {
    try {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream(BUFFER);
      // Buffered: a gzip stream deflates every single-byte write (writeByte, writeShort) on its own.
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fastGzip(zipped), BUFFER))) {
        body.write(out);
      }
      byte[] bytes = zipped.toByteArray();
      ByteArrayOutputStream framed = new ByteArrayOutputStream(bytes.length + 20);
      DataOutputStream out = new DataOutputStream(framed);
      out.writeInt(magic);
      out.writeInt(version);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.writeLong(crc(bytes));
      return framed.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  /** Reads a snapshot, {@code kind} naming it in errors ("a ledger snapshot"), or says why it cannot be used. */
  public static <T> T read(byte[] data, int magic, int version, String kind, Reader<T> reader) throws Unreadable {
    try {
      DataInputStream frame = new DataInputStream(new ByteArrayInputStream(data));
      if (frame.readInt() != magic) throw new Unreadable("not " + kind);
      int found = frame.readInt();
      if (found != version) throw new Unreadable("snapshot format " + found + ", this version reads " + version);
      byte[] body = frame.readNBytes(frame.readInt());
      if (frame.readLong() != crc(body)) throw new Unreadable("snapshot checksum does not match");
      // Buffered: a gzip stream inflates every single-byte read on its own.
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(new ByteArrayInputStream(body)), BUFFER))) {
        T value = reader.read(in);
        if (in.read() != -1) throw new Unreadable("trailing data after the snapshot");
        return value;
      }
    } catch (IOException | RuntimeException e) {
      // Truncated, not gzip, negative sizes, a bad ordinal: all mean the same, do not trust it.
      throw new Unreadable("unreadable snapshot: " + e, e);
    }
  }

  /** The fastest level: most of a snapshot is ids that barely compress, and a writer encodes a long history often. */
  private static OutputStream fastGzip(OutputStream out) throws IOException {
    return new GZIPOutputStream(out, BUFFER) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    };
  }

  private static long crc(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return crc.getValue();
  }
}
