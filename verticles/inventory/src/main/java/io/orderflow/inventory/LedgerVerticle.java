package io.orderflow.inventory;

import io.nats.client.PublishOptions;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.inventory.domain.LedgerSnapshot;
import io.orderflow.inventory.domain.StockDecision;
import io.orderflow.inventory.domain.StockLedger;
import io.orderflow.inventory.domain.StockLevel;
import io.orderflow.runtime.Contexts;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StreamTail;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.snapshot.SnapshotStore;
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
 * Owns the {@link StockLedger} on one context. It folds the INVENTORY stream (a {@link StreamTail}) so
 * every instance holds the same ledger, and it writes decisions one at a time with
 * {@code Nats-Expected-Last-Sequence} = the last sequence it folded: a decision is stored only if it was
 * made on the complete log, so two writers (the pinned consumer's instance and one serving a stock
 * {@code PUT}, or two instances while the pin moves) can never both spend the same unit of stock. A write
 * that loses the race waits for the tail to fold the newcomer and decides again.
 *
 * <p>Start-up does not grow with history: the ledger starts from its newest snapshot ({@link LedgerSnapshots})
 * and folds only the messages after it. A snapshot is taken here, on the ledger's context, between two folds,
 * so it is exactly the fold of the stream up to its sequence; the fence is unaffected (it names the last
 * sequence folded, however the ledger got there).
 */
public final class LedgerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerticle.class);
  private static final int MAX_RACES = 20;

  private record Task(Function<StockLedger, StockDecision> decide, Delivery trigger, Promise<Void> done, int races,
                      boolean synced) {
    Task retry(boolean nowSynced) {
      return new Task(decide, trigger, done, races + 1, synced || nowSynced);
    }
  }

  private final JetStreamBridge bridge;
  private final StockLedger ledger;
  private final StreamTail tail;
  private final SnapshotStore<LedgerSnapshot> snapshots;
  private final ArrayDeque<Task> queue = new ArrayDeque<>();
  private long folded;
  private long startedFrom;
  private long snapshotTimer = -1;
  private Context context;
  private boolean writing;
  private boolean waiting;
  private boolean syncing;
  private boolean stopped;

  public LedgerVerticle(JetStreamBridge bridge, int closedCapacity) {
    this(bridge, closedCapacity, LedgerSnapshots.DEFAULT_EVERY, LedgerSnapshots.DEFAULT_INTERVAL);
  }

  /** {@code snapshotEvery} decisions or {@code snapshotInterval} (whichever first) between two snapshots. */
  public LedgerVerticle(JetStreamBridge bridge, int closedCapacity, int snapshotEvery, java.time.Duration snapshotInterval) {
    this.bridge = bridge;
    this.ledger = new StockLedger(closedCapacity);
    this.tail = new StreamTail(bridge, Topology.INVENTORY);
    this.snapshots = new SnapshotStore<>(bridge, LedgerSnapshots.KIND, snapshotEvery, snapshotInterval);
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return snapshots.load().compose(found -> {
      found.ifPresent(ledger::restore);
      startedFrom = ledger.lastSequence();
      snapshotTimer = vertx.setPeriodic(snapshots.interval().toMillis(), id -> snapshotIfDue(true));
      return tail.start(context, this::fold, ledger.lastSequence() + 1);
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (snapshotTimer >= 0) vertx.cancelTimer(snapshotTimer);
    while (!queue.isEmpty()) queue.poll().done().fail(new EventHandler.RetryLater("inventory is stopping", 0));
    return tail.stop();
  }

  /** True once the ledger folded everything the stream held when this instance started. */
  public boolean caughtUp() {
    return ledger.lastSequence() >= tail.lastSequenceAtStart();
  }

  public Future<Optional<StockLevel>> level(String sku) {
    Promise<Optional<StockLevel>> p = Promise.promise();
    context.runOnContext(v -> p.complete(ledger.level(sku)));
    return Contexts.toCaller(p.future());
  }

  /** Completes once the ledger has folded the given stream sequence (read-your-writes for the HTTP API). */
  public Future<Void> awaitSequence(long seq, long timeoutMs) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    context.runOnContext(v -> poll(seq, deadline, p));
    return Contexts.toCaller(p.future());
  }

  /** Decides on the ledger and stores the decision's event, if any; serialized with every other write. */
  public Future<Void> execute(Delivery trigger, Function<StockLedger, StockDecision> decide) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (stopped) {
        done.fail(new EventHandler.RetryLater("inventory is stopping", 0));
        return;
      }
      queue.add(new Task(decide, trigger, done, 0, false));
      pump();
    });
    return Contexts.toCaller(done.future());
  }

  private void pump() {
    if (writing || waiting || syncing || queue.isEmpty()) return;
    Task task = queue.poll();
    StockDecision decision;
    try {
      decision = task.decide().apply(ledger);
    } catch (RuntimeException e) {
      task.done().fail(e);
      pump();
      return;
    }
    if (decision.event().isEmpty() && decision.unknownOrder() && !task.synced()) {
      syncThenRetry(task);
      return;
    }
    if (decision.unknownOrder()) {
      // The whole stream is folded and the order has no reservation. Cancelled before stock was reserved: close
      // it, so nothing reserves for it later. Confirmed without one would be a bug elsewhere: settle nothing.
      if (decision.closeIfUnknown()) decision = StockDecision.closeUnreserved(task.trigger().event().subject());
      String note = decision.note() + (decision.event().isEmpty() ? "; nothing to settle" : "");
      task.trigger().withLogContext(() -> LOG.warn("{}: {}", task.trigger().event().subject(), note));
    }
    if (decision.event().isEmpty()) {
      task.done().complete();
      pump();
      return;
    }
    Event event = decision.event().get();
    Envelope out = Envelope.of(event, Instant.now(), task.trigger().cause());
    long expected = ledger.lastSequence();
    writing = true;
    bridge.publish(out, PublishOptions.builder().expectedLastSequence(expected)).onComplete(ar -> {
      writing = false;
      if (ar.succeeded()) {
        // Fold our own write only if it is the very next message; anything else comes through the tail.
        if (!ar.result().isDuplicate() && ar.result().getSeqno() == expected + 1) ledger.apply(ar.result().getSeqno(), event);
        task.done().complete();
        snapshots.changed(1);
        snapshotIfDue(false);
      } else if ((JetStreamBridge.isWrongLastSequence(ar.cause()) || JetStreamBridge.isDuplicateInFlight(ar.cause()))
          && task.races() < MAX_RACES) {
        // Another write landed (or is landing) first: fold it (the tail delivers it), then decide again.
        queue.addFirst(task.retry(false));
        waitForTail(50);
      } else if (JetStreamBridge.isWrongLastSequence(ar.cause()) || JetStreamBridge.isDuplicateInFlight(ar.cause())) {
        task.done().fail(new EventHandler.RetryLater("ledger kept losing write races", 200));
      } else {
        task.done().fail(ar.cause());
      }
      pump();
    });
  }

  /** The order is unknown: make sure everything stored up to now is folded before believing that. */
  private void syncThenRetry(Task task) {
    syncing = true;
    bridge.blocking(() -> bridge.management().getStreamInfo(Topology.INVENTORY).getStreamState().getLastSequence())
        .onComplete(ar -> {
          if (ar.failed()) {
            syncing = false;
            task.done().fail(ar.cause());
            pump();
            return;
          }
          Promise<Void> folded = Promise.promise();
          poll(ar.result(), System.currentTimeMillis() + 5000, folded);
          folded.future().onComplete(f -> {
            syncing = false;
            if (f.succeeded()) queue.addFirst(task.retry(true));
            else task.done().fail(new EventHandler.RetryLater("ledger behind the INVENTORY stream", 200));
            pump();
          });
        });
  }

  private void waitForTail(long fallbackMillis) {
    waiting = true;
    vertx.setTimer(fallbackMillis, id -> resume());
  }

  private void resume() {
    if (waiting && !writing) {
      waiting = false;
      pump();
    }
  }

  /** On the ledger's context, so the copy is the fold up to {@code ledger.lastSequence()} and nothing else. */
  private void snapshotIfDue(boolean intervalTick) {
    if (!stopped && snapshots.due(intervalTick)) snapshots.save(ledger.snapshot());
  }

  /** The sequence of the snapshot this instance started from; 0 when it folded the stream from its start. */
  public long startedFrom() {
    return startedFrom;
  }

  /** How many stream messages this instance folded from the tail (a snapshot's share excluded): for tests. */
  Future<Long> foldedMessages() {
    Promise<Long> p = Promise.promise();
    context.runOnContext(v -> p.complete(folded));
    return Contexts.toCaller(p.future());
  }

  private void fold(long seq, byte[] data) {
    folded++;
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
}
