package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Subjects;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The history loader's publishes: asynchronous, at most {@link HistoryLoader#WINDOW} in flight per connection;
 * the audit chain grows as events are written, and the services' states with it ({@link HistorySnapshots}).
 */
final class HistoryWriter implements AutoCloseable {
  /**
   * A connection of its own per stream group: the broker reads each connection on one thread, so one
   * connection would make the whole load single-threaded at the broker. One stream's messages all go through
   * one connection, so each stream stores them in the order they were made (an order's events, the blocks).
   */
  enum Lane {
    ORDERS, INVENTORY, OTHER, AUDIT;

    static Lane of(String subject) {
      if (subject.startsWith("orderflow.orders.")) return ORDERS;
      if (subject.startsWith("orderflow.inventory.")) return INVENTORY;
      if (subject.startsWith("orderflow.audit.")) return AUDIT;
      return OTHER;
    }
  }

  private final List<Connection> connections = new ArrayList<>();
  private final JetStream[] js = new JetStream[Lane.values().length];
  private final Semaphore[] window = new Semaphore[Lane.values().length];
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private long nextIndex;
  private String head = HashChain.GENESIS;
  private long events;
  private long blocks;
  private final HistorySnapshots snapshots = new HistorySnapshots();

  HistoryWriter(String urls) throws Exception {
    for (Lane lane : Lane.values()) {
      Connection c = Bench.connect(urls, "orderflow-bench-history-" + lane.name().toLowerCase(java.util.Locale.ROOT));
      connections.add(c);
      js[lane.ordinal()] = c.jetStream();
      window[lane.ordinal()] = new Semaphore(HistoryLoader.WINDOW);
    }
  }

  void event(Envelope e, List<AuditBlock.Entry.Unsealed> chain) throws Exception {
    byte[] bytes = EventCodec.encode(e);
    String subject = e.natsSubject();
    Lane lane = Lane.of(subject);
    publish(lane, subject, new Headers().put("Content-Type", Envelope.CONTENT_TYPE), bytes);
    snapshots.stored(lane, e);
    chain.add(new AuditBlock.Entry.Unsealed(e.id(), e.subject(), new String(bytes, StandardCharsets.UTF_8)));
    events++;
  }

  void block(List<AuditBlock.Entry.Unsealed> chain) throws Exception {
    AuditBlock b = HashChain.seal(nextIndex, head, chain);
    nextIndex = b.nextIndex();
    head = b.hash();
    chain.clear();
    blocks++;
    publish(Lane.AUDIT, Subjects.AUDIT_BLOCKS, null, HistoryLoader.blockJson(b));
    snapshots.chained(b);
  }

  void publish(Lane lane, String subject, Headers headers, byte[] data) throws Exception {
    Throwable f = failure.get();
    if (f != null) throw new IllegalStateException("history write failed: " + f, f);
    Semaphore w = window[lane.ordinal()];
    w.acquire();
    CompletableFuture<PublishAck> cf;
    try {
      cf = js[lane.ordinal()].publishAsync(subject, headers, data);
    } catch (RuntimeException e) {
      w.release();
      throw e;
    }
    cf.whenComplete((ack, err) -> {
      w.release();
      if (err != null) failure.compareAndSet(null, err);
    });
  }

  void awaitAll() throws Exception {
    for (Semaphore w : window) {
      if (!w.tryAcquire(HistoryLoader.WINDOW, 120, TimeUnit.SECONDS)) throw new IllegalStateException("history publishes unanswered after 120 s");
      w.release(HistoryLoader.WINDOW);
    }
    Throwable f = failure.get();
    if (f != null) throw new IllegalStateException("history write failed: " + f, f);
  }

  @Override
  public void close() throws InterruptedException {
    for (Connection c : connections) c.close();
  }

  /** What inventory and audit would have folded from what was written. */
  HistorySnapshots snapshots() {
    return snapshots;
  }

  long events() {
    return events;
  }

  long blocks() {
    return blocks;
  }

  long nextIndex() {
    return nextIndex;
  }

  String head() {
    return head;
  }
}
