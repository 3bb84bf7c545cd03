package io.orderflow.runtime.messaging;

import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which way {@link JetStreamBridge#lastMessage} reads a stream: directly when the stream has a single replica
 * and allows direct gets (nothing but its leader can answer, so a direct read sees every acknowledged write),
 * through the leader otherwise. Learned from the stream's configuration and looked at again every
 * {@link #RECHECK_MILLIS}, so a stream moved to three replicas is read through its leader within that time;
 * until a stream's configuration is known, reads take the leader's way, which is right for every stream.
 */
final class ReadPaths {
  static final long RECHECK_MILLIS = 10_000;
  private static final long RETRY_MILLIS = 1_000;

  private record Known(boolean direct, long checkedAt) {}

  private final Vertx vertx;
  private final JetStreamManagement jsm;
  private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> checking = new ConcurrentHashMap<>();

  ReadPaths(Vertx vertx, JetStreamManagement jsm) {
    this.vertx = vertx;
    this.jsm = jsm;
  }

  /** True when a direct get of {@code stream} answers as its leader would; starts a (re)check when due. */
  boolean direct(String stream) {
    Known k = known.get(stream);
    long now = System.currentTimeMillis();
    if ((k == null || now - k.checkedAt() > RECHECK_MILLIS) && checking.putIfAbsent(stream, Boolean.TRUE) == null) {
      vertx.<Boolean>executeBlocking(() -> singleReplicaDirect(jsm.getStreamInfo(stream).getConfiguration()), false)
          .onComplete(ar -> {
            // A failed look keeps what was known (or the leader's way) and is tried again a second later.
            long at = System.currentTimeMillis();
            known.put(stream, ar.succeeded() ? new Known(ar.result(), at)
                : new Known(k != null && k.direct(), at - RECHECK_MILLIS + RETRY_MILLIS));
            checking.remove(stream);
          });
    }
    return k != null && k.direct();
  }

  /** What is known of the stream's read path, or null before its configuration was read. */
  Boolean settled(String stream) {
    Known k = known.get(stream);
    return k == null ? null : k.direct();
  }

  static boolean singleReplicaDirect(StreamConfiguration config) {
    return config.getReplicas() == 1 && config.getAllowDirect() && config.getMirror() == null;
  }
}
