package io.orderflow.runtime.backup;

import io.orderflow.runtime.messaging.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which streams a backup holds, in the order it takes them, and which it leaves out.
 *
 * <p>Each snapshot is consistent on its own, but the streams are taken one after another while orders flow. The
 * order keeps the copy usable: the key-value buckets and object stores (projections, checkpoints, snapshots of
 * the ledger and the audit chain, all derived from the event streams) are taken first, so none of them refers to
 * an event the copy of its event stream lacks; a projection that is behind is caught up by the events. Consumer
 * positions are recorded before any snapshot and restored afterwards ({@link JetStreamRestore}), so no consumer
 * is ahead of the effects it caused in another stream.
 */
final class BackupScope {
  private BackupScope() {}

  /** Left out on purpose, with the reason the manifest records. */
  static final Map<String, String> EXCLUDED = Map.of(
      Topology.PAYMENT_TOKENS, "payment tokens are for payments' eyes only; a backup file, read by whoever holds it, must not keep them",
      Topology.CONTACTS, "contact addresses are erased by deleting their hand-off; a backup would keep, and a restore bring back, erased addresses");

  /** The streams to copy: derived state first, then the event streams in the topology's order. */
  static List<String> streams() {
    List<String> out = new ArrayList<>();
    Topology.BUCKETS.forEach(b -> out.add(Topology.kvStream(b)));
    Topology.OBJECT_STORES.forEach(o -> out.add(objectStream(o)));
    Topology.STREAMS.stream().map(Topology.StreamSpec::name).filter(n -> !EXCLUDED.containsKey(n)).forEach(out::add);
    return List.copyOf(out);
  }

  /** The stream behind an object store (the NATS object store convention, as for {@link Topology#kvStream}). */
  static String objectStream(Topology.ObjectStoreSpec store) {
    return "OBJ_" + store.name();
  }
}
