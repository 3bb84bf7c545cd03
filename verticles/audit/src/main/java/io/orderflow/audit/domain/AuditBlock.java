package io.orderflow.audit.domain;

import java.util.List;

/** One message of the AUDIT stream: consecutive chain entries, each holding one event's exact JSON. */
public record AuditBlock(long firstIndex, String previousHash, List<Entry> entries, String hash) {
  public record Entry(long index, String eventId, String subject, String event, String hash) {
    /** An event waiting to be chained. */
    public record Unsealed(String eventId, String subject, String event) {}
  }

  public long nextIndex() {
    return firstIndex + entries.size();
  }
}
