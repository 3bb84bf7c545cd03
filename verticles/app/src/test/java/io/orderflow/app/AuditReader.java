package io.orderflow.app;

import io.nats.client.Connection;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.EventCodec;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the whole AUDIT stream the way an auditor would: every entry, in chain order. */
final class AuditReader {
  private final List<String> ids = new ArrayList<>();
  private final List<String> causes = new ArrayList<>();
  private final List<String> subjects = new ArrayList<>();

  static AuditReader read(Connection nc) throws Exception {
    AuditReader r = new AuditReader();
    var jsm = nc.jetStreamManagement();
    long last = jsm.getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
    for (long s = 1; s <= last; s++) {
      JsonObject block = new JsonObject(Buffer.buffer(jsm.getMessage(Topology.AUDIT, s).getData()));
      for (Object o : block.getJsonArray("entries")) {
        String event = ((JsonObject) o).getString("event");
        var d = (Decoded.Ok) EventCodec.decode(event.getBytes(StandardCharsets.UTF_8));
        r.ids.add(d.envelope().id());
        r.causes.add(d.envelope().causationId());
        r.subjects.add(d.envelope().subject());
      }
    }
    return r;
  }

  Set<String> eventIds() {
    return new HashSet<>(ids);
  }

  List<String> duplicates() {
    Set<String> seen = new HashSet<>();
    return ids.stream().filter(id -> !seen.add(id)).toList();
  }

  /** Entries whose cause is in the log but later than themselves. */
  List<String> causalViolations() {
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) position.putIfAbsent(ids.get(i), i);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      Integer cause = causes.get(i) == null ? null : position.get(causes.get(i));
      if (cause != null && cause > i) bad.add(subjects.get(i) + ":" + ids.get(i));
    }
    return bad;
  }
}
