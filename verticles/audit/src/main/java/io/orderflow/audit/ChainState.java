package io.orderflow.audit;

import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an audit instance knows from folding the AUDIT stream: the chain head, which events are already
 * in the log (the writer's dedupe and causal-order check), and where each order's entries are.
 * The first block that does not continue the chain is remembered; later blocks chain on from the last
 * valid head, and no checkpoint is ever written past a broken block.
 */
final class ChainState {
  static final int REMEMBERED_EVENTS = 2_000_000;

  record Position(long streamSequence, int offset) {}

  private long lastSequence;
  private long nextIndex;
  private String head = HashChain.GENESIS;
  private long brokenAt;
  // Recent event ids: enough for redeliveries and causes, which arrive within minutes, not years.
  private final Set<String> logged = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_EVENTS;
    }
  });
  private final Map<String, List<Position>> bySubject = new HashMap<>();

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
      logged.add(e.eventId());
      bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>(8)).add(new Position(seq, i));
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

  boolean logged(String eventId) {
    return logged.contains(eventId);
  }

  List<Position> positions(String subject) {
    return bySubject.getOrDefault(subject, List.of());
  }
}
