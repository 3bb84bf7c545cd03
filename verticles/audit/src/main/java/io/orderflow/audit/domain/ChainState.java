package io.orderflow.audit.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit instance knows from folding the AUDIT stream: the chain head, and for every subject (an
 * order) the entries it has in the log, with their event ids. That index answers where an order's entries
 * are, and it is the writer's dedupe and causal-order check over the whole history: an event is "logged"
 * when its subject's entries hold its id (an order has a handful of events, so the check is a short scan),
 * and an event's cause is an event of the same order. The first block that does not continue the chain is
 * remembered; later blocks chain on from the last valid head, and no checkpoint is ever written past a broken block.
 *
 * <p>Nothing is forgotten, so an event redelivered or replayed from any point in history is never chained
 * twice; the price is memory that grows with the history: about 300 bytes per order of six events
 * ({@link SubjectEntries} keeps ids as two longs), 60 MB for 200,000 orders. The next step is a bounded index:
 * recent orders in an LRU, and a lookup of older ones in a durable per-order index (a key-value entry per
 * order written with its blocks) on a miss, so memory stays flat while dedupe still covers all history.
 */
public final class ChainState {
  public record Position(long streamSequence, int offset) {}

  private long lastSequence;
  private long headSequence;
  private long nextIndex;
  private String head = HashChain.GENESIS;
  private long brokenAt;
  private final Map<String, SubjectEntries> bySubject = new HashMap<>();

  /** Folds a stored block ({@code null}: a message that is not one); returns false for sequences already folded. */
  public boolean fold(long seq, AuditBlock block) {
    if (seq <= lastSequence) return false;
    lastSequence = seq;
    if (block == null || HashChain.check(block, nextIndex, head) != null) {
      if (brokenAt == 0) brokenAt = seq;
      return true;
    }
    head = block.hash();
    headSequence = seq;
    nextIndex = block.nextIndex();
    for (int i = 0; i < block.entries().size(); i++) {
      AuditBlock.Entry e = block.entries().get(i);
      bySubject.put(e.subject(), bySubject.getOrDefault(e.subject(), SubjectEntries.EMPTY).with(seq, i, e.eventId()));
    }
    return true;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public long nextIndex() {
    return nextIndex;
  }

  public String head() {
    return head;
  }

  public long brokenAt() {
    return brokenAt;
  }

  /** True when the log holds the event (of that subject). */
  public boolean logged(String subject, String eventId) {
    SubjectEntries entries = bySubject.get(subject);
    return entries != null && entries.contains(eventId);
  }

  public List<Position> positions(String subject) {
    SubjectEntries entries = bySubject.getOrDefault(subject, SubjectEntries.EMPTY);
    List<Position> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) out.add(new Position(entries.streamSequence(i), entries.offset(i)));
    return out;
  }

  /**
   * True when a snapshot can be taken: the last message folded continued the chain, so the block stored at
   * {@link #lastSequence()} carries {@link #head()} and a starting instance can check the snapshot against it.
   */
  public boolean snapshotReady() {
    return lastSequence > 0 && headSequence == lastSequence;
  }

  /**
   * The whole state at {@link #lastSequence()}. The entries are immutable and shared, so this copies only the
   * map (milliseconds for a long history) and can be encoded on another thread while folding goes on.
   */
  public ChainSnapshot snapshot() {
    if (!snapshotReady()) throw new IllegalStateException("the last block folded did not continue the chain");
    return new ChainSnapshot(lastSequence, "", nextIndex, head, brokenAt, new HashMap<>(bySubject));
  }

  /** Takes over a snapshot's state; only on a state that has folded nothing yet. */
  public void restore(ChainSnapshot s) {
    if (lastSequence != 0 || !bySubject.isEmpty()) throw new IllegalStateException("a snapshot restores an empty chain state only");
    bySubject.putAll(s.subjects());
    lastSequence = s.sequence();
    headSequence = s.sequence();
    nextIndex = s.nextIndex();
    head = s.head();
    brokenAt = s.brokenAt();
  }
}
