package io.orderflow.audit;

import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit instance knows from folding the AUDIT stream: the chain head, and for every subject (an
 * order) the entries it has in the log, with their event ids. That index answers where an order's entries
 * are, and it is the writer's dedupe and causal-order check over the whole history: an event is "logged"
 * when its subject's entries hold its id (an order has a handful of events, so the check is a short scan),
 * and an event's cause is an event of the same order. Nothing is forgotten, so an event redelivered or
 * replayed from any point in history is never chained twice; memory grows with the history (README: known limits).
 * The first block that does not continue the chain is remembered; later blocks chain on from the last
 * valid head, and no checkpoint is ever written past a broken block.
 */
final class ChainState {
  record Position(long streamSequence, int offset) {}

  /** One entry of a subject: where it is and which event it holds. */
  private record Logged(long streamSequence, int offset, String eventId) {}

  private long lastSequence;
  private long nextIndex;
  private String head = HashChain.GENESIS;
  private long brokenAt;
  private final Map<String, List<Logged>> bySubject = new HashMap<>();

  /** Folds a stored block; returns false for sequences already folded. */
  boolean fold(long seq, AuditBlock block) {
    if (seq <= lastSequence) return false;
    lastSequence = seq;
    if (block == null || HashChain.check(block, nextIndex, head) != null) {
      if (brokenAt == 0) brokenAt = seq;
      return true;
    }
    head = block.hash();
    nextIndex = block.nextIndex();
    for (int i = 0; i < block.entries().size(); i++) {
      AuditBlock.Entry e = block.entries().get(i);
      bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>(8)).add(new Logged(seq, i, e.eventId()));
    }
    return true;
  }

  long lastSequence() {
    return lastSequence;
  }

  long nextIndex() {
    return nextIndex;
  }

  String head() {
    return head;
  }

  long brokenAt() {
    return brokenAt;
  }

  /** True when the log holds the event (of that subject). */
  boolean logged(String subject, String eventId) {
    List<Logged> entries = bySubject.get(subject);
    if (entries == null) return false;
    for (Logged e : entries) {
      if (e.eventId().equals(eventId)) return true;
    }
    return false;
  }

  List<Position> positions(String subject) {
    return bySubject.getOrDefault(subject, List.of()).stream().map(e -> new Position(e.streamSequence(), e.offset())).toList();
  }
}
