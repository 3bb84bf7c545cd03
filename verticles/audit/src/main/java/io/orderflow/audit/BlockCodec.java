package io.orderflow.audit;

import io.orderflow.audit.domain.AuditBlock;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** JSON form of an audit block. Each entry keeps the event as the exact string that was hashed. */
final class BlockCodec {
  private BlockCodec() {}

  static byte[] encode(AuditBlock b, String writer) {
    JsonArray entries = new JsonArray();
    for (AuditBlock.Entry e : b.entries()) {
      entries.add(new JsonObject().put("index", e.index()).put("eventId", e.eventId()).put("subject", e.subject())
          .put("event", e.event()).put("hash", e.hash()));
    }
    return new JsonObject().put("firstIndex", b.firstIndex()).put("previousHash", b.previousHash())
        .put("entries", entries).put("hash", b.hash()).put("writer", writer).toBuffer().getBytes();
  }

  /** Decodes a block; throws IllegalArgumentException on anything that is not one. */
  static AuditBlock decode(byte[] data) {
    try {
      JsonObject j = new JsonObject(Buffer.buffer(data));
      List<AuditBlock.Entry> entries = new ArrayList<>();
      for (Object o : j.getJsonArray("entries")) {
        JsonObject e = (JsonObject) o;
        entries.add(new AuditBlock.Entry(e.getLong("index"), e.getString("eventId"), e.getString("subject"),
            e.getString("event"), e.getString("hash")));
      }
      return new AuditBlock(j.getLong("firstIndex"), j.getString("previousHash"), List.copyOf(entries), j.getString("hash"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an audit block: " + e.getMessage(), e);
    }
  }

  static JsonObject entryJson(AuditBlock.Entry e, long streamSequence) {
    return new JsonObject().put("index", e.index()).put("streamSequence", streamSequence).put("hash", e.hash())
        .put("event", new JsonObject(e.event()));
  }
}
