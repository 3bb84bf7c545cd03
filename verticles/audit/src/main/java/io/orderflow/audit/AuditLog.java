package io.orderflow.audit;

import io.nats.client.PublishOptions;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.ChainSnapshot;
import io.orderflow.audit.domain.ChainState;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.Contexts;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StreamTail;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.snapshot.SnapshotStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log on one context. Every instance folds the AUDIT stream (ordered consumer) into a
 * {@link ChainState}; the writer batches events into blocks and stores each with
 * {@code Nats-Expected-Last-Sequence} = the last block it folded, so a second writer (two instances while
 * the pinned consumers move) can never fork the chain: its write fails, it folds the other block and
 * chains on from there.
 *
 * <p>Start-up does not grow with history: the state starts from the newest snapshot ({@link AuditSnapshots})
 * and folds only the blocks after it. The writer takes a snapshot here, on this context, between two folds, so it
 * is exactly the fold of the stream up to its sequence.
 */
public final class AuditLog extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final int MAX_BLOCK = 256;
  /** Deliveries an event may wait for its cause before that is logged as an error (and every four times as many after). */
  private static final long LONG_WAIT = 50;

  private record Pending(AuditBlock.Entry.Unsealed event, String causationId, List<Promise<Void>> waiting) {}

  private final JetStreamBridge bridge;
  private final String writerId;
  private final long checkpointEvery;
  private final ChainState state = new ChainState();
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private final StreamTail tail;
  private final SnapshotStore<ChainSnapshot> snapshots;
  private long startedFrom;
  private long folded;
  private long snapshotTimer = -1;
  private boolean stopped;
  private Context context;
  private boolean writing;
  private long entriesSinceCheckpoint;
  private final long lingerMillis;
  private final long causeWaitMillis;
  private long lingerTimer = -1;
  private int failures;

  /** {@code causeWaitMillis}: the longest wait between two looks for an event's cause. */
  public AuditLog(JetStreamBridge bridge, String writerId, long checkpointEvery, long lingerMillis, long causeWaitMillis) {
    this(bridge, writerId, checkpointEvery, lingerMillis, causeWaitMillis, AuditSnapshots.DEFAULT_EVERY, AuditSnapshots.DEFAULT_INTERVAL);
  }

  /** {@code snapshotEvery} entries appended or {@code snapshotInterval} (whichever first) between two snapshots. */
  public AuditLog(JetStreamBridge bridge, String writerId, long checkpointEvery, long lingerMillis, long causeWaitMillis,
                  int snapshotEvery, java.time.Duration snapshotInterval) {
    this.snapshots = new SnapshotStore<>(bridge, AuditSnapshots.KIND, snapshotEvery, snapshotInterval);
    this.lingerMillis = Math.max(1, lingerMillis);
    this.causeWaitMillis = Math.max(1, causeWaitMillis);
    this.bridge = bridge;
    this.tail = new StreamTail(bridge, Topology.AUDIT);
    this.writerId = writerId;
    this.checkpointEvery = checkpointEvery;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return snapshots.load().compose(found -> {
      found.ifPresent(state::restore);
      startedFrom = state.lastSequence();
      snapshotTimer = vertx.setPeriodic(snapshots.interval().toMillis(), id -> snapshotIfDue(true));
      return tail.start(context, this::fold, state.lastSequence() + 1);
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (snapshotTimer >= 0) vertx.cancelTimer(snapshotTimer);
    // Consumers stop before this verticle and wait for their appends, so this only catches stragglers.
    for (Pending p : pending.values()) p.waiting().forEach(w -> w.tryFail(new EventHandler.RetryLater("audit is stopping", 0)));
    pending.clear();
    parked.values().forEach(effects -> effects.forEach(p -> p.done().tryFail(new EventHandler.RetryLater("audit is stopping", 0))));
    parked.clear();
    parkedCount = 0;
    return tail.stop();
  }

  public boolean caughtUp() {
    return state.lastSequence() >= tail.lastSequenceAtStart();
  }

  /**
   * Appends an event once. Completes when its block is stored (or at once if it is already logged); fails
   * with RetryLater while the event that caused it is not in the log yet, however long that takes, which
   * keeps each order causal: an event is never chained before its cause.
   */
  public Future<Void> append(String eventId, String subject, String causationId, String eventJson, long deliveries) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (state.logged(subject, eventId)) {
        done.complete();
        return;
      }
      Pending p = pending.get(eventId);
      if (p != null) {
        p.waiting().add(done);
        return;
      }
      boolean causeKnown = causationId == null || state.logged(subject, causationId) || pending.containsKey(causationId);
      // Only a first delivery waits in memory: one put back after waiting there takes the slow path.
      if (!causeKnown && deliveries <= 1 && park(new Parked(eventId, subject, causationId, eventJson, done, System.nanoTime()))) {
        return;
      }
      if (!causeKnown) {
        if (deliveries == LONG_WAIT || deliveries % (4 * LONG_WAIT) == 0) {
          // Causes arrive within seconds, even behind a backlog: this one may be lost (a broker that lost
          // acknowledged writes) or dead-lettered by audit itself. The effect keeps waiting, never chained first.
          LOG.error("event {} of {} has waited {} deliveries for its cause {}, which is not in the audit log; "
              + "check the DLQ (audit's dead letters) and the cause's stream", eventId, subject, deliveries, causationId);
        }
        // Back off with each delivery: a cause stuck behind a long backlog must not turn into a redelivery storm.
        done.fail(new EventHandler.RetryLater("cause " + causationId + " not audited yet", Math.min(causeWaitMillis, 100L * deliveries)));
        return;
      }
      enqueue(eventId, subject, causationId, eventJson, done);
    });
    return Contexts.toCaller(done.future());
  }

  private void enqueue(String eventId, String subject, String causationId, String eventJson, Promise<Void> done) {
    List<Promise<Void>> waiting = new ArrayList<>(1);
    waiting.add(done);
    pending.put(eventId, new Pending(new AuditBlock.Entry.Unsealed(eventId, subject, eventJson), causationId, waiting));
    release(eventId);
    scheduleWrite();
  }

  /**
   * An event whose cause has not arrived yet, held here (its delivery kept alive by the runner's in-progress
   * acks) until the cause is appended, instead of being put back and redelivered: the four consumers deliver
   * one order's events at about the same time, so under load most effects overtake their cause by a little.
   */
  private record Parked(String eventId, String subject, String causationId, String eventJson, Promise<Void> done, long since) {}

  private static final int MAX_PARKED = 10_000;
  private final Map<String, List<Parked>> parked = new java.util.HashMap<>();
  private int parkedCount;
  private long parkSweep = -1;

  /** How many events wait in memory for their cause (for tests and diagnostics). */
  Future<Integer> parked() {
    Promise<Integer> p = Promise.promise();
    context.runOnContext(v -> p.complete(parkedCount));
    return Contexts.toCaller(p.future());
  }

  private boolean park(Parked p) {
    if (parkedCount >= MAX_PARKED) return false;
    parked.computeIfAbsent(p.causationId(), k -> new ArrayList<>(1)).add(p);
    parkedCount++;
    if (parkSweep < 0) parkSweep = vertx.setPeriodic(Math.max(50, causeWaitMillis / 4), id -> sweepParked());
    return true;
  }

  /** The effects parked on {@code causeId} follow it into the log (each after its own cause, in arrival order). */
  private void release(String causeId) {
    List<Parked> effects = parked.remove(causeId);
    if (effects == null) return;
    parkedCount -= effects.size();
    for (Parked p : effects) {
      if (state.logged(p.subject(), p.eventId())) p.done().complete();
      else if (pending.containsKey(p.eventId())) pending.get(p.eventId()).waiting().add(p.done());
      else enqueue(p.eventId(), p.subject(), p.causationId(), p.eventJson(), p.done());
    }
  }

  /**
   * Effects whose cause was logged by another writer (folded from the stream) go in; those that waited longer
   * than the cause wait are put back (RetryLater) to take the slow path: redelivery with backoff, and the
   * error log when a cause never comes.
   */
  private void sweepParked() {
    long now = System.nanoTime();
    for (String causeId : List.copyOf(parked.keySet())) {
      List<Parked> effects = parked.get(causeId);
      if (effects.isEmpty() || state.logged(effects.getFirst().subject(), causeId)) {
        release(causeId);
        continue;
      }
      effects.removeIf(p -> {
        if ((now - p.since()) / 1_000_000 < causeWaitMillis) return false;
        p.done().fail(new EventHandler.RetryLater("cause " + causeId + " not audited yet", Math.min(causeWaitMillis, 100L)));
        parkedCount--;
        return true;
      });
      if (effects.isEmpty()) parked.remove(causeId);
    }
    if (parked.isEmpty() && parkSweep >= 0) {
      vertx.cancelTimer(parkSweep);
      parkSweep = -1;
    }
  }

  /**
   * Lingers briefly before writing so that events arriving together share a block: under load one write
   * carries dozens of entries, and a lone event waits only the linger.
   */
  private void scheduleWrite() {
    if (writing) return;
    if (pending.size() >= MAX_BLOCK) {
      write();
    } else if (lingerTimer < 0) {
      lingerTimer = vertx.setTimer(lingerMillis, id -> {
        lingerTimer = -1;
        write();
      });
    }
  }

  /** The stream sequence and offset of every entry about one subject (an order id), in chain order. */
  public Future<List<ChainState.Position>> positions(String subject) {
    Promise<List<ChainState.Position>> p = Promise.promise();
    context.runOnContext(v -> p.complete(List.copyOf(state.positions(subject))));
    return Contexts.toCaller(p.future());
  }

  private void write() {
    pending.values().removeIf(p -> {
      if (!state.logged(p.event().subject(), p.event().eventId())) return false;
      p.waiting().forEach(Promise::complete);
      return true;
    });
    if (writing || pending.isEmpty()) return;
    List<Pending> batch = new ArrayList<>(Math.min(pending.size(), MAX_BLOCK));
    for (Pending p : pending.values()) {
      if (batch.size() == MAX_BLOCK) break;
      batch.add(p);
    }
    AuditBlock block = HashChain.seal(state.nextIndex(), state.head(), batch.stream().map(Pending::event).toList());
    long expected = state.lastSequence();
    writing = true;
    bridge.publishRaw(Subjects.AUDIT_BLOCKS, null, BlockCodec.encode(block, writerId),
        PublishOptions.builder().expectedLastSequence(expected).build()).onComplete(ar -> {
          writing = false;
          if (ar.succeeded()) {
            failures = 0;
            // Fold our own block only if it is the very next message; anything else comes through the tail.
            if (ar.result().getSeqno() == expected + 1) state.fold(ar.result().getSeqno(), block);
            for (Pending p : batch) {
              pending.remove(p.event().eventId());
              p.waiting().forEach(Promise::complete);
            }
            maybeCheckpoint(block.entries().size());
            snapshots.changed(block.entries().size());
            snapshotIfDue(false);
            scheduleWrite();
          } else if (JetStreamBridge.isWrongLastSequence(ar.cause())) {
            // Another writer's block landed first: the tail folds it, then we chain on from it.
            vertx.setTimer(20, id -> write());
          } else {
            // Keep the batch: dropping it would let later effects into the log ahead of their causes.
            long delay = Math.min(5_000, 50L << Math.min(failures++, 7));
            LOG.warn("audit block write failed, retrying in {} ms: {}", delay, ar.cause().toString());
            vertx.setTimer(delay, id -> write());
          }
        });
  }

  private void maybeCheckpoint(int entries) {
    entriesSinceCheckpoint += entries;
    if (entriesSinceCheckpoint < checkpointEvery || state.brokenAt() != 0) return;
    entriesSinceCheckpoint = 0;
    JsonObject cp = new JsonObject().put("streamSequence", state.lastSequence()).put("nextIndex", state.nextIndex()).put("hash", state.head());
    bridge.kvPut(Topology.AUDIT_CHECKPOINT, "chain", cp.toBuffer().getBytes())
        .onFailure(e -> LOG.warn("audit checkpoint not written: {}", e.toString()));
  }

  /** On this context, so the copy is the fold up to {@code state.lastSequence()} and nothing else. */
  private void snapshotIfDue(boolean intervalTick) {
    if (!stopped && state.snapshotReady() && snapshots.due(intervalTick)) snapshots.save(state.snapshot());
  }

  /** The sequence of the snapshot this instance started from; 0 when it folded the stream from its start. */
  public long startedFrom() {
    return startedFrom;
  }

  /** How many blocks this instance folded from the tail (a snapshot's share excluded): for tests. */
  Future<Long> foldedBlocks() {
    Promise<Long> p = Promise.promise();
    context.runOnContext(v -> p.complete(folded));
    return Contexts.toCaller(p.future());
  }

  private void fold(long seq, byte[] data) {
    folded++;
    AuditBlock block;
    try {
      block = BlockCodec.decode(data);
    } catch (IllegalArgumentException e) {
      block = null;
    }
    if (state.fold(seq, block) && state.brokenAt() == seq) LOG.error("audit chain broken at stream sequence {}", seq);
    if (!pending.isEmpty()) scheduleWrite();
  }

  Map<String, Object> status() {
    return Map.of("head", state.head(), "nextIndex", state.nextIndex(), "lastSequence", state.lastSequence());
  }
}
