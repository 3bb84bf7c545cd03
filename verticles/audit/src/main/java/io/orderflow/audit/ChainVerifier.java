package io.orderflow.audit;

import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Checks the chain from the last checkpoint to the end of the AUDIT stream, so the work does not grow
 * with history; or, when asked, from the first block (a start from a snapshot no longer re-checks the old
 * blocks). The first block that is unreadable or does not continue the chain is named.
 */
final class ChainVerifier {
  record Result(boolean ok, long fromSequence, long toSequence, long entries, String head, long badSequence, String problem) {}

  private final JetStreamBridge bridge;

  ChainVerifier(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  Future<Result> verify(boolean fromStart) {
    var checkpoint = fromStart ? Future.succeededFuture(java.util.Optional.<io.orderflow.runtime.messaging.KvEntry>empty())
        : bridge.kvGet(Topology.AUDIT_CHECKPOINT, "chain");
    return checkpoint.compose(cp -> bridge.blocking(() -> {
      long seq = 0;
      long index = 0;
      String head = HashChain.GENESIS;
      if (cp.isPresent()) {
        JsonObject j = new JsonObject(Buffer.buffer(cp.get().value()));
        seq = j.getLong("streamSequence");
        index = j.getLong("nextIndex");
        head = j.getString("hash");
      }
      long from = seq + 1;
      long last = bridge.management().getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
      long entries = 0;
      for (long s = from; s <= last; s++) {
        AuditBlock block;
        try {
          block = BlockCodec.decode(bridge.management().getMessage(Topology.AUDIT, s).getData());
        } catch (IllegalArgumentException e) {
          return new Result(false, from, last, entries, head, s, e.getMessage());
        } catch (io.nats.client.JetStreamApiException e) {
          return new Result(false, from, last, entries, head, s, "missing from the stream: " + e.getErrorDescription());
        }
        String problem = HashChain.check(block, index, head);
        if (problem != null) return new Result(false, from, last, entries, head, s, problem);
        head = block.hash();
        index = block.nextIndex();
        entries += block.entries().size();
      }
      return new Result(true, from, last, entries, head, 0, null);
    }));
  }
}
