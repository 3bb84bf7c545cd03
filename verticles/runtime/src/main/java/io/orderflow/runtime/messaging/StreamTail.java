package io.orderflow.runtime.messaging;

import io.nats.client.MessageConsumer;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a whole stream, from its first message (or a given sequence) and then as it grows, on one Vert.x context (a jnats
 * ordered consumer: no durable state, restarts itself on gaps). This is how a single-writer service keeps
 * the log it writes to in memory: every instance folds the same log, so any of them can take over. The
 * {@link StallWatchdog} restarts the tail from the next sequence when the stream has grown but nothing
 * arrived for a while (an ordered consumer can stall when the node serving it is lost).
 */
public final class StreamTail {
  private static final Logger LOG = LoggerFactory.getLogger(StreamTail.class);
  private static final java.time.Duration QUIET = java.time.Duration.ofSeconds(5);

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
  private StallWatchdog watchdog;
  private volatile io.nats.client.Dispatcher dispatcher;
  private boolean stopped;

  public StreamTail(JetStreamBridge bridge, String stream) {
    this.bridge = bridge;
    this.stream = stream;
  }

  public Future<Void> start(Context context, Fold fold) {
    return start(context, fold, 1);
  }

  /**
   * Folds from {@code fromSequence} on: the caller already holds the fold of everything before it (a snapshot
   * of its state at {@code fromSequence - 1}), so start-up does not grow with the stream's history.
   */
  public Future<Void> start(Context context, Fold fold, long fromSequence) {
    this.context = context;
    this.fold = fold;
    this.lastSeen = Math.max(0, fromSequence - 1);
    return bridge.blocking(() -> {
      lastSequenceAtStart = bridge.management().getStreamInfo(stream).getStreamState().getLastSequence();
      return null;
    }).compose(v -> subscribe(lastSeen + 1)).onSuccess(v -> {
      watchdog = new StallWatchdog(context.owner(), QUIET, () -> !stopped, this::grownSinceLastSeen, this::resubscribe);
      watchdog.start();
    });
  }

  /** The stream's last sequence when folding began: a fold that reached it has replayed the history. */
  public long lastSequenceAtStart() {
    return lastSequenceAtStart;
  }

  public Future<Void> stop() {
    stopped = true;
    if (watchdog != null) watchdog.stop();
    return unsubscribe().eventually(() -> bridge.closeDispatcher(dispatcher));
  }

  private Future<Void> subscribe(long fromSequence) {
    return bridge.blocking(() -> {
      var config = new OrderedConsumerConfiguration().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(fromSequence);
      if (dispatcher == null) dispatcher = bridge.connection().createDispatcher(); // one for every resubscription
      return bridge.connection().getStreamContext(stream).createOrderedConsumer(config)
          .consume(dispatcher, msg -> context.runOnContext(v -> deliver(msg.metaData().streamSequence(), msg.getData())));
    }).compose(started -> {
      Promise<Void> on = Promise.promise();
      context.runOnContext(v -> {
        consumer = started;
        on.complete();
      });
      // Stopped while it was starting: it must not run on.
      return on.future().compose(v -> stopped ? unsubscribe() : Future.succeededFuture());
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
    if (watchdog != null) watchdog.touch();
    if (seq <= lastSeen) return; // a restarted tail may repeat what was folded already
    lastSeen = seq;
    fold.accept(seq, data);
  }

  private Future<Boolean> grownSinceLastSeen() {
    return bridge.blocking(() -> bridge.management().getStreamInfo(stream).getStreamState().getLastSequence()).map(last -> {
      if (last > lastSeen) LOG.warn("{} tail stalled at {} of {}: restarting it", stream, lastSeen, last);
      return last > lastSeen;
    });
  }

  private void resubscribe() {
    if (stopped) return;
    unsubscribe().onComplete(ar -> subscribe(lastSeen + 1)
        .onFailure(e -> LOG.warn("{} tail not restarted ({}); the watchdog tries again", stream, e.toString())));
  }
}
