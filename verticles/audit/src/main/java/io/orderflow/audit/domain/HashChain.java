package io.orderflow.audit.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit log's hash chain: entry n's hash is SHA-256(hash of entry n-1 || the event's exact bytes).
 * Entries are stored in blocks; a block names the hash it continues from and its last entry's hash.
 */
public final class HashChain {
  public static final String GENESIS = "0".repeat(64);

  private HashChain() {}

  public static String link(String previousHash, String eventJson) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(HexFormat.of().parseHex(previousHash));
      sha.update(eventJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Chains events after {@code head}, starting at entry number {@code firstIndex}. */
  public static AuditBlock seal(long firstIndex, String head, List<AuditBlock.Entry.Unsealed> events) {
    List<AuditBlock.Entry> entries = new ArrayList<>(events.size());
    String hash = head;
    long i = firstIndex;
    for (var e : events) {
      hash = link(hash, e.event());
      entries.add(new AuditBlock.Entry(i++, e.eventId(), e.subject(), e.event(), hash));
    }
    return new AuditBlock(firstIndex, head, List.copyOf(entries), hash);
  }

  /** Why a block does not continue the chain, or null when it does. */
  public static String check(AuditBlock block, long expectedIndex, String head) {
    if (block.firstIndex() != expectedIndex) return "entry numbering jumps from " + expectedIndex + " to " + block.firstIndex();
    if (!block.previousHash().equals(head)) return "does not continue from the chain head";
    String hash = head;
    long i = expectedIndex;
    for (AuditBlock.Entry e : block.entries()) {
      if (e.index() != i++) return "entry numbering is not contiguous at " + e.index();
      hash = link(hash, e.event());
      if (!hash.equals(e.hash())) return "entry " + e.index() + " hash does not match its content";
    }
    if (!hash.equals(block.hash())) return "block hash does not match its last entry";
    return null;
  }
}
