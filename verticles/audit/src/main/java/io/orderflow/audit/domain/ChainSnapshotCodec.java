package io.orderflow.audit.domain;

import io.orderflow.runtime.snapshot.SnapshotFrame;
import java.util.HashMap;
import java.util.Map;

/**
 * The binary form of a {@link ChainSnapshot}, in the {@link SnapshotFrame} every snapshot has (the index holds
 * every event id of the history: tens of MB for 200,000 orders as text). A snapshot that is not exactly this, a
 * future version included, is {@link SnapshotFrame.Unreadable}: audit then folds the whole stream instead.
 */
public final class ChainSnapshotCodec {
  /** "OFAS": orderflow audit snapshot. */
  static final int MAGIC = 0x4F464153;
  public static final int VERSION = 1;
  private static final int UUID_ID = 0;
  private static final int STRING_ID = 1;

  private ChainSnapshotCodec() {}

  public static byte[] encode(ChainSnapshot s) {
    return SnapshotFrame.write(MAGIC, VERSION, out -> {
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
    });
  }

  public static ChainSnapshot decode(byte[] data) throws SnapshotFrame.Unreadable {
    return SnapshotFrame.read(data, MAGIC, VERSION, "an audit chain snapshot", in -> {
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
          if (seq > sequence) throw new SnapshotFrame.Unreadable("an entry at sequence " + seq + " in a snapshot at " + sequence);
          entries = switch (in.readUnsignedByte()) {
            case UUID_ID -> entries.with(seq, offset, in.readLong(), in.readLong());
            case STRING_ID -> entries.with(seq, offset, in.readUTF());
            default -> throw new SnapshotFrame.Unreadable("unknown event id kind");
          };
        }
        subjects.put(subject, entries);
      }
      return new ChainSnapshot(sequence, stream, nextIndex, head, brokenAt, subjects);
    });
  }
}
