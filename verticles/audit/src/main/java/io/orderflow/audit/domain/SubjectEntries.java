package io.orderflow.audit.domain;

import java.util.Arrays;

/**
 * One subject's (an order's) entries in the audit log, compact and immutable. Three longs per entry: where it is
 * (stream sequence and offset in the block, packed) and its event id as the two halves of a UUID, because event
 * ids are UUIDs and a String per entry was most of the index's memory. An id that is not a UUID in canonical
 * lowercase form keeps its string in a side array, so every id reads back exactly as it was given. Immutable so
 * that a snapshot of the index shares these instead of copying them; an append makes a new one (a few entries).
 */
public final class SubjectEntries {
  public static final SubjectEntries EMPTY = new SubjectEntries(new long[0], null);
  private static final int WORDS = 3;
  private static final int OFFSET_BITS = 16;
  /** In the position word: the id is {@code others[second word]}, not a UUID. */
  private static final long OTHER = 1L << 63;
  /** Sequences below 2^47 (a hundred trillion blocks) and offsets below 2^16 fit the packed word. */
  private static final long MAX_SEQUENCE = (1L << (63 - OFFSET_BITS)) - 1;

  private final long[] words;
  private final String[] others;

  private SubjectEntries(long[] words, String[] others) {
    this.words = words;
    this.others = others;
  }

  /** These entries and one more after them. */
  public SubjectEntries with(long streamSequence, int offset, String eventId) {
    if (Uuids.isCanonical(eventId)) return with(streamSequence, offset, Uuids.high(eventId), Uuids.low(eventId));
    String[] o = others == null ? new String[1] : Arrays.copyOf(others, others.length + 1);
    o[o.length - 1] = eventId;
    long[] w = grown(streamSequence, offset, OTHER);
    w[words.length + 1] = o.length - 1;
    return new SubjectEntries(w, o);
  }

  /** These entries and one more whose id is the UUID {@code high}, {@code low}. */
  SubjectEntries with(long streamSequence, int offset, long high, long low) {
    long[] w = grown(streamSequence, offset, 0);
    w[words.length + 1] = high;
    w[words.length + 2] = low;
    return new SubjectEntries(w, others);
  }

  private long[] grown(long streamSequence, int offset, long flags) {
    if (streamSequence < 0 || streamSequence > MAX_SEQUENCE || offset < 0 || offset >= 1 << OFFSET_BITS) {
      // A block holds at most a few thousand entries (a message is at most a few MB): never reached.
      throw new IllegalArgumentException("entry position out of range: " + streamSequence + "/" + offset);
    }
    long[] w = Arrays.copyOf(words, words.length + WORDS);
    w[words.length] = streamSequence << OFFSET_BITS | offset | flags;
    return w;
  }

  public int size() {
    return words.length / WORDS;
  }

  public long streamSequence(int i) {
    return (words[i * WORDS] & ~OTHER) >>> OFFSET_BITS;
  }

  public int offset(int i) {
    return (int) (words[i * WORDS] & ((1 << OFFSET_BITS) - 1));
  }

  public String eventId(int i) {
    int at = i * WORDS;
    return (words[at] & OTHER) != 0 ? others[(int) words[at + 1]] : Uuids.format(words[at + 1], words[at + 2]);
  }

  /** For {@link ChainSnapshotCodec}: the id of entry {@code i} is a UUID, given by {@link #high} and {@link #low}. */
  boolean isUuid(int i) {
    return (words[i * WORDS] & OTHER) == 0;
  }

  long high(int i) {
    return words[i * WORDS + 1];
  }

  long low(int i) {
    return words[i * WORDS + 2];
  }

  /** True when one of the entries holds this event id; no allocation on the dedupe path. */
  public boolean contains(String eventId) {
    if (Uuids.isCanonical(eventId)) {
      long high = Uuids.high(eventId);
      long low = Uuids.low(eventId);
      for (int at = 0; at < words.length; at += WORDS) {
        if ((words[at] & OTHER) == 0 && words[at + 1] == high && words[at + 2] == low) return true;
      }
      return false;
    }
    if (others == null) return false;
    for (String o : others) {
      if (o.equals(eventId)) return true;
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubjectEntries e && Arrays.equals(words, e.words) && Arrays.equals(others, e.others);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < size(); i++) b.append(i == 0 ? "" : ", ").append(streamSequence(i)).append('/').append(offset(i)).append(' ').append(eventId(i));
    return b.append(']').toString();
  }
}
