package io.orderflow.runtime;

import io.nats.client.MessageConsumer;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * Folds a whole stream, from its first message and then as it grows, on one Vert.x context (a jnats
 * ordered consumer: no durable state, restarts itself on gaps). This is how a single-writer service keeps
 * the log it writes to in memory: every instance folds the same log, so any of them can take over.
 */
public final class StreamTail {
  /** Receives every stored message in stream order, on the given context. */
  @FunctionalInterface
  public interface Fold {
    void accept(long sequence, byte[] data);
  }

  private final JetStreamBridge bridge;
  private final String stream;
  private MessageConsumer consumer;
  private long lastSequenceAtStart = Long.MAX_VALUE;

  public StreamTail(JetStreamBridge bridge, String stream) {
    this.bridge = bridge;
    this.stream = stream;
  }

  public Future<Void> start(Context context, Fold fold) {
    return bridge.blocking(() -> {
      lastSequenceAtStart = bridge.management().getStreamInfo(stream).getStreamState().getLastSequence();
      consumer = bridge.connection().getStreamContext(stream).createOrderedConsumer(new OrderedConsumerConfiguration())
          .consume(msg -> context.runOnContext(v -> fold.accept(msg.metaData().streamSequence(), msg.getData())));
      return null;
    });
  }

  /** The stream's last sequence when folding began: a fold that reached it has replayed the history. */
  public long lastSequenceAtStart() {
    return lastSequenceAtStart;
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : bridge.blocking(() -> {
      consumer.stop();
      return null;
    });
  }
}
