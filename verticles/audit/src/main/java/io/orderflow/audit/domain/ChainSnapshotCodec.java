package io.orderflow.audit.domain;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The binary form of a {@link ChainSnapshot}: a magic number and a format version in clear, then the gzipped
 * body and a CRC-32 of it (inventory's ledger snapshots have the same frame). Binary and compressed because the
 * index holds every event id of the history (tens of MB for 200,000 orders as text). Anything that is not
 * exactly this, a future version included, is {@link Unreadable}: audit then folds the whole stream instead,
 * which is always correct.
 */
public final class ChainSnapshotCodec {
  /** "OFAS": orderflow audit snapshot. */
  static final int MAGIC = 0x4F464153;
  public static final int VERSION = 1;
  private static final int UUID_ID = 0;
  private static final int STRING_ID = 1;

  private ChainSnapshotCodec() {}

  /** The snapshot cannot be used (corrupt, truncated, or written by another format version). */
  public static final class Unreadable extends Exception {
    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static byte[] encode(ChainSnapshot s) {
    try {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream(1 << 20);
      // Buffered: a gzip stream deflates every single-byte write (writeByte, writeShort) on its own.
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fastGzip(zipped), 64 * 1024))) {
        out.writeLong(s.sequence());
        out.writeUTF(s.stream());
        out.writeLong(s.nextIndex());
        out.writeUTF(s.head());
        out.writeLong(s.brokenAt());
        out.writeInt(s.subjects().size());
        for (Map.Entry<String, SubjectEntries> subject : s.subjects().entrySet()) {
          out.writeUTF(subject.getKey());
          SubjectEntries e = subject.getValue();
          out.writeInt(e.size());
          for (int i = 0; i < e.size(); i++) {
            out.writeLong(e.streamSequence(i));
            out.writeShort(e.offset(i));
            if (e.isUuid(i)) {
              out.writeByte(UUID_ID);
              out.writeLong(e.high(i));
              out.writeLong(e.low(i));
            } else {
              out.writeByte(STRING_ID);
              out.writeUTF(e.eventId(i));
            }
          }
        }
      }
      byte[] body = zipped.toByteArray();
      ByteArrayOutputStream framed = new ByteArrayOutputStream(body.length + 24);
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

  public static ChainSnapshot decode(byte[] data) throws Unreadable {
    try {
      DataInputStream frame = new DataInputStream(new ByteArrayInputStream(data));
      if (frame.readInt() != MAGIC) throw new Unreadable("not an audit chain snapshot", null);
      int version = frame.readInt();
      if (version != VERSION) throw new Unreadable("snapshot format " + version + ", this version reads " + VERSION, null);
      byte[] body = frame.readNBytes(frame.readInt());
      if (frame.readLong() != crc(body)) throw new Unreadable("snapshot checksum does not match", null);
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(new ByteArrayInputStream(body)), 64 * 1024))) {
        long sequence = in.readLong();
        String stream = in.readUTF();
        long nextIndex = in.readLong();
        String head = in.readUTF();
        long brokenAt = in.readLong();
        int count = in.readInt();
        Map<String, SubjectEntries> subjects = HashMap.newHashMap(count);
        for (int i = 0; i < count; i++) {
          String subject = in.readUTF();
          SubjectEntries entries = SubjectEntries.EMPTY;
          for (int j = in.readInt(); j > 0; j--) {
            long seq = in.readLong();
            int offset = in.readUnsignedShort();
            if (seq > sequence) throw new Unreadable("an entry at sequence " + seq + " in a snapshot at " + sequence, null);
            entries = switch (in.readUnsignedByte()) {
              case UUID_ID -> entries.with(seq, offset, in.readLong(), in.readLong());
              case STRING_ID -> entries.with(seq, offset, in.readUTF());
              default -> throw new Unreadable("unknown event id kind", null);
            };
          }
          subjects.put(subject, entries);
        }
        if (in.read() != -1) throw new Unreadable("trailing data after the snapshot", null);
        return new ChainSnapshot(sequence, stream, nextIndex, head, brokenAt, subjects);
      }
    } catch (IOException | RuntimeException e) {
      // Truncated, not gzip, negative sizes: all mean the same, do not trust it.
      throw new Unreadable("unreadable snapshot: " + e, e);
    }
  }

  /** The fastest level: the ids are random and barely compress, and the writer encodes a long history often. */
  private static OutputStream fastGzip(OutputStream out) throws IOException {
    return new GZIPOutputStream(out, 64 * 1024) {
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
