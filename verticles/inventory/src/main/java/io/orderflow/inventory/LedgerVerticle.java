package io.orderflow.inventory;

import io.nats.client.PublishOptions;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.inventory.domain.StockDecision;
import io.orderflow.inventory.domain.StockLedger;
import io.orderflow.inventory.domain.StockLevel;
import io.orderflow.runtime.EventHandler;
import io.orderflow.runtime.JetStreamBridge;
import io.orderflow.runtime.StreamTail;
import io.orderflow.runtime.Topology;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link StockLedger} on one context. It tails the INVENTORY stream (an ordered consumer) so
 * every instance folds the same log, and it writes decisions one at a time with
 * {@code Nats-Expected-Last-Sequence} = the last sequence it folded: a decision is stored only if it was
 * made on the complete log, so two writers can never both spend the same unit of stock. A write that loses
 * that race waits for the tail to catch up and decides again.
 */
public final class LedgerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerticle.class);
  private static final int MAX_RACES = 20;

  private record Task(Function<StockLedger, StockDecision> decide, Envelope trigger, Promise<Void> done, int races) {}

  private final JetStreamBridge bridge;
  private final StockLedger ledger;
  private final ArrayDeque<Task> queue = new ArrayDeque<>();
  private final StreamTail tail;
  private Context context;
  private boolean writing;
  private boolean waitingForTail;

  public LedgerVerticle(JetStreamBridge bridge, int closedCapacity) {
    this.bridge = bridge;
    this.tail = new StreamTail(bridge, Topology.INVENTORY);
    this.ledger = new StockLedger(closedCapacity);
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return tail.start(context, this::fold);
  }

  @Override
  public Future<?> stop() {
    return tail.stop();
  }

  /** True once the ledger folded everything the stream held when this instance started. */
  public boolean caughtUp() {
    return ledger.lastSequence() >= tail.lastSequenceAtStart();
  }

  public Future<Optional<StockLevel>> level(String sku) {
    return onContext(() -> ledger.level(sku));
  }

  /** Completes once the ledger has folded the given stream sequence (read-your-writes for the HTTP API). */
  public Future<Void> awaitSequence(long seq, long timeoutMs) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    context.runOnContext(v -> poll(seq, deadline, p));
    return p.future();
  }

  /** Decides on the ledger and stores the decision's event, if any; serialized with every other write. */
  public Future<Void> execute(Envelope trigger, Function<StockLedger, StockDecision> decide) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      queue.add(new Task(decide, trigger, done, 0));
      pump();
    });
    return done.future();
  }

  private void pump() {
    if (writing || waitingForTail || queue.isEmpty()) return;
    Task task = queue.poll();
    StockDecision decision;
    try {
      decision = task.decide().apply(ledger);
    } catch (RuntimeException e) {
      task.done().fail(e);
      pump();
      return;
    }
    if (decision.event().isEmpty()) {
      LOG.debug("{}: nothing to store ({})", task.trigger().subject(), decision.note());
      task.done().complete();
      pump();
      return;
    }
    Event event = decision.event().get();
    Envelope out = Envelope.of(event, Instant.now(), task.trigger().traceparent(), task.trigger().id());
    writing = true;
    bridge.publish(out, PublishOptions.builder().expectedLastSequence(ledger.lastSequence())).onComplete(ar -> {
      writing = false;
      if (ar.succeeded()) {
        ledger.apply(ar.result().getSeqno(), event);
        task.done().complete();
      } else if (JetStreamBridge.isWrongLastSequence(ar.cause()) && task.races() < MAX_RACES) {
        // Another write landed first: fold it (the tail delivers it), then decide again.
        queue.addFirst(new Task(task.decide(), task.trigger(), task.done(), task.races() + 1));
        waitingForTail = true;
        vertx.setTimer(50, id -> resume());
      } else if (JetStreamBridge.isWrongLastSequence(ar.cause())) {
        task.done().fail(new EventHandler.RetryLater("ledger kept losing write races", 200));
      } else {
        task.done().fail(ar.cause());
      }
      pump();
    });
  }

  private void resume() {
    if (waitingForTail) {
      waitingForTail = false;
      pump();
    }
  }

  private void fold(long seq, byte[] data) {
    switch (EventCodec.decode(data)) {
      case Decoded.Ok ok -> ledger.apply(seq, ok.envelope().data());
      case Decoded.Failed f -> ledger.skip(seq);
    }
    resume();
  }

  private void poll(long seq, long deadline, Promise<Void> p) {
    if (ledger.lastSequence() >= seq) p.complete();
    else if (System.currentTimeMillis() > deadline) p.fail("ledger did not reach sequence " + seq);
    else vertx.setTimer(5, id -> poll(seq, deadline, p));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<T> read) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> p.complete(read.get()));
    return p.future();
  }
}
