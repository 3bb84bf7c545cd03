package io.orderflow.audit.domain;

import io.orderflow.runtime.snapshot.SnapshotStore;
import java.util.Collections;
import java.util.Map;

/**
 * The whole {@link ChainState} at one AUDIT stream sequence: exactly the fold of the stream up to and including
 * {@code sequence}, whose block carries {@code head}. {@code stream} names the stream's incarnation (its creation
 * time), so a snapshot of a stream that was since deleted and recreated is never applied to the new one.
 * {@code subjects} is every subject's entries (the whole dedupe index), not copied again here.
 */
public record ChainSnapshot(long sequence, String stream, long nextIndex, String head, long brokenAt,
                            Map<String, SubjectEntries> subjects)
    implements SnapshotStore.Snapshot<ChainSnapshot> {
  public ChainSnapshot {
    subjects = Collections.unmodifiableMap(subjects);
  }

  /** The same state, stamped with the stream it belongs to. */
  public ChainSnapshot ofStream(String streamIdentity) {
    return new ChainSnapshot(sequence, streamIdentity, nextIndex, head, brokenAt, subjects);
  }
}
