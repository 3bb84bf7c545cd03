package io.orderflow.runtime.messaging;

import io.nats.client.MessageConsumer;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a whole stream, from its first message and then as it grows, on one Vert.x context (a jnats
 * ordered consumer: no durable state, restarts itself on gaps). This is how a single-writer service keeps
 * the log it writes to in memory: every instance folds the same log, so any of them can take over. A
 * watchdog restarts the tail from the next sequence when the stream has grown but nothing arrived for a
 * while (an ordered consumer can stall when the node serving it is lost).
 */
public final class StreamTail {
  private static final Logger LOG = LoggerFactory.getLogger(StreamTail.class);
  private static final long WATCHDOG_MILLIS = 5_000;

  /** Receives every stored message in stream order, on the given context. */
  @FunctionalInterface
  public interface Fold {
    void accept(long sequence, byte[] data);
  }

  private final JetStreamBridge bridge;
  private final String stream;
  private Context context;
  private Fold fold;
  private MessageConsumer consumer;
  private long lastSequenceAtStart = Long.MAX_VALUE;
  private long lastSeen;
  private long lastArrival = System.currentTimeMillis();
  private long timer = -1;
  private boolean stopped;

  public StreamTail(JetStreamBridge bridge, String stream) {
    this.bridge = bridge;
    this.stream = stream;
  }

  public Future<Void> start(Context context, Fold fold) {
    this.context = context;
    this.fold = fold;
    return bridge.blocking(() -> {
      lastSequenceAtStart = bridge.management().getStreamInfo(stream).getStreamState().getLastSequence();
      return null;
    }).compose(v -> subscribe(1)).onSuccess(v -> timer = context.owner().setPeriodic(WATCHDOG_MILLIS, id -> watchdog()));
  }

  /** The stream's last sequence when folding began: a fold that reached it has replayed the history. */
  public long lastSequenceAtStart() {
    return lastSequenceAtStart;
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) context.owner().cancelTimer(timer);
    return unsubscribe();
  }

  private Future<Void> subscribe(long fromSequence) {
    return bridge.blocking(() -> {
      var config = new OrderedConsumerConfiguration().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(fromSequence);
      consumer = bridge.connection().getStreamContext(stream).createOrderedConsumer(config)
          .consume(msg -> context.runOnContext(v -> deliver(msg.metaData().streamSequence(), msg.getData())));
      return null;
    });
  }

  private Future<Void> unsubscribe() {
    MessageConsumer c = consumer;
    consumer = null;
    return c == null ? Future.succeededFuture() : bridge.blocking(() -> {
      c.stop();
      return null;
    });
  }

  private void deliver(long seq, byte[] data) {
    lastArrival = System.currentTimeMillis();
    if (seq <= lastSeen) return; // a restarted tail may repeat what was folded already
    lastSeen = seq;
    fold.accept(seq, data);
  }

  private void watchdog() {
    if (stopped || System.currentTimeMillis() - lastArrival < WATCHDOG_MILLIS) return;
    bridge.blocking(() -> bridge.management().getStreamInfo(stream).getStreamState().getLastSequence()).onSuccess(last -> {
      if (stopped || last <= lastSeen || System.currentTimeMillis() - lastArrival < WATCHDOG_MILLIS) return;
      LOG.warn("{} tail stalled at {} of {}: restarting it", stream, lastSeen, last);
      lastArrival = System.currentTimeMillis();
      unsubscribe().onComplete(ar -> subscribe(lastSeen + 1));
    });
  }
}
