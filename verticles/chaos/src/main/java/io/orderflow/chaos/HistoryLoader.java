package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.StockLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.OrderProjection;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes N completed (paid, confirmed, mailed) orders straight into the streams of a provisioned broker
 * before the services start, as the pipeline would have stored them: the catalog's stock sets, then per
 * order OrderPlaced, StockReserved, PaymentAuthorized, OrderConfirmed, StockCommitted and NotificationSent
 * (each caused by the one before, as the services chain them), the order's ORDERS_VIEW entry, and the
 * audit chain of all of it in blocks of {@link #BLOCK} entries built with audit's own {@link HashChain}, with
 * a checkpoint at its end (what audit writes every 10,000 entries). Publishes are asynchronous, thousands in
 * flight on each of four connections. Then every durable consumer is drained (fetched and acked in big
 * batches) so that the services start at the end of the history, as they would after having processed it,
 * instead of being handed it again.
 *
 * <p>Left out on purpose: the payment-token and contact hand-offs (they expire within minutes of an order),
 * the gateway's charges (psp-sim's ledger is in memory) and the mails. Events go without {@code Nats-Msg-Id}:
 * they are written once, and a million ids would only fill the broker's duplicate window.
 */
final class HistoryLoader {
  /** Entries per audit block: what the audit writer puts in one block at most. */
  static final int BLOCK = 256;
  /** Publishes in flight at once on each connection. */
  static final int WINDOW = 4096;
  static final String WRITER = "bench-history";
  static final String CURRENCY = "EUR";

  /** What was loaded: the order ids (not this run's client's), units sold per SKU, and how long it took. */
  record Loaded(Set<String> orderIds, Map<String, Long> sold, long events, long auditBlocks, double writeSeconds, double drainSeconds,
                long drainedMessages) {}

  /** One history order: its events in causal order and its projection entry. */
  record OrderHistory(String orderId, List<Envelope> events, String viewKey, byte[] view) {}

  private final String tag;

  /** {@code tag} makes the ids of one load distinct from another's. */
  HistoryLoader(String tag) {
    this.tag = tag;
  }

  /** The id of history order {@code n}. */
  String orderId(int n) {
    return UUID.nameUUIDFromBytes(("history:" + tag + ":" + n).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The lines of history order {@code n}: the bench's mix, paid, without the SKUs that have no stock. */
  static List<OrderLine> lines(int n) {
    List<OrderLine> lines = new ArrayList<>();
    Bench.order(n).items().forEach((sku, q) -> {
      if (sku.compareTo(Bench.sku(Bench.SKUS - Bench.OUT_OF_STOCK_SKUS)) < 0) lines.add(new OrderLine(sku, q, Run.PRICE_CENTS));
    });
    if (lines.isEmpty()) lines.add(new OrderLine(Bench.sku(Bench.HOT_SKUS), 1, Run.PRICE_CENTS));
    return lines;
  }

  /** The events the pipeline stores for a paid order, and its ORDERS_VIEW entry, placed at {@code at}. */
  OrderHistory order(int n, Instant at) {
    String id = orderId(n);
    String customer = "c-" + (n % 1000);
    List<OrderLine> lines = lines(n);
    long total = lines.stream().mapToLong(OrderLine::totalCents).sum();
    List<StockLine> stock = lines.stream().map(OrderLine::stock).toList();
    String requestHash = id.replace("-", "");
    var placed = new Event.OrderPlaced(id, customer, lines, total, CURRENCY, requestHash);
    Envelope p = Envelope.of(placed, at, Cause.NONE);
    Envelope reserved = Envelope.of(new Event.StockReserved(id, stock, total, CURRENCY, requestHash), at.plusMillis(3), p.asCause(1));
    Envelope authorized = Envelope.of(new Event.PaymentAuthorized(id, "ch_" + requestHash.substring(0, 24), total, CURRENCY), at.plusMillis(9),
        reserved.asCause(1));
    var confirmedEvent = new Event.OrderConfirmed(id, customer, total, CURRENCY, requestHash);
    Envelope confirmed = Envelope.of(confirmedEvent, at.plusMillis(12), authorized.asCause(1));
    Envelope committed = Envelope.of(new Event.StockCommitted(id, stock), at.plusMillis(15), confirmed.asCause(1));
    Envelope sent = Envelope.of(new Event.NotificationSent(id, "order-confirmed", "<" + id + ".confirmed@orderflow>"), at.plusMillis(30),
        confirmed.asCause(1));
    OrderView view = OrderView.placed(placed, at).ended(confirmedEvent, confirmed.time());
    return new OrderHistory(id, List.of(p, reserved, authorized, confirmed, committed, sent), view.key(),
        OrderProjection.toJson(view).toBuffer().getBytes());
  }

  /** The catalog's stock sets the history starts from: what the bench stocks. */
  static List<Envelope> stockSets(long stock, Instant at) {
    List<Envelope> sets = new ArrayList<>();
    for (int i = 0; i < Bench.SKUS; i++) {
      sets.add(Envelope.of(new Event.StockSet(Bench.sku(i), i < Bench.SKUS - Bench.OUT_OF_STOCK_SKUS ? stock : 0), at, Cause.NONE));
    }
    return sets;
  }

  /** An audit block as audit stores it (audit's BlockCodec, which is not public, writes the same fields). */
  static byte[] blockJson(AuditBlock b) {
    JsonArray entries = new JsonArray();
    for (AuditBlock.Entry e : b.entries()) {
      entries.add(new JsonObject().put("index", e.index()).put("eventId", e.eventId()).put("subject", e.subject())
          .put("event", e.event()).put("hash", e.hash()));
    }
    return new JsonObject().put("firstIndex", b.firstIndex()).put("previousHash", b.previousHash())
        .put("entries", entries).put("hash", b.hash()).put("writer", WRITER).toBuffer().getBytes();
  }

  /** Writes {@code n} orders into the broker at {@code urls} (provisioned, no service running yet) and drains the consumers. */
  Loaded load(String urls, int n, long stock) throws Exception {
    long t0 = System.nanoTime();
    Set<String> ids = ConcurrentHashMap.newKeySet();
    Map<String, Long> sold = new TreeMap<>();
    try (Connection nc = Bench.connect(urls, "orderflow-bench-history"); Writer w = new Writer(urls)) {
      List<AuditBlock.Entry.Unsealed> chain = new ArrayList<>(BLOCK);
      Instant start = Instant.now().minus(Duration.ofMillis(50L * n + 60_000));
      for (Envelope e : stockSets(stock, start)) w.event(e, chain);
      for (int i = 0; i < n; i++) {
        OrderHistory o = order(i, start.plusMillis(50L * i + 1000));
        ids.add(o.orderId());
        for (Envelope e : o.events()) w.event(e, chain);
        w.publish(Lane.OTHER, "$KV." + Topology.ORDERS_VIEW.name() + "." + o.viewKey(), null, o.view());
        for (OrderLine l : ((Event.OrderPlaced) o.events().getFirst().data()).lines()) sold.merge(l.sku(), (long) l.quantity(), Long::sum);
        if (chain.size() >= BLOCK) w.block(chain);
        if (i > 0 && i % 50_000 == 0) Bench.say(String.format(java.util.Locale.ROOT, "history: %d of %d orders written (%.0f s)", i, n, (System.nanoTime() - t0) / 1e9));
      }
      if (!chain.isEmpty()) w.block(chain);
      w.awaitAll();
      // Where audit's verification starts: the end of the history's chain (the AUDIT stream holds only it).
      long lastBlock = nc.jetStreamManagement().getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
      if (lastBlock != w.blocks) throw new IllegalStateException("AUDIT holds " + lastBlock + " messages, the history wrote " + w.blocks + " blocks");
      nc.jetStream().publish("$KV." + Topology.AUDIT_CHECKPOINT.name() + ".chain", new JsonObject().put("streamSequence", lastBlock)
          .put("nextIndex", w.nextIndex).put("hash", w.head).toBuffer().getBytes());
      double written = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      long drained = drainConsumers(urls, nc);
      return new Loaded(ids, sold, w.events, w.blocks, written, (System.nanoTime() - t1) / 1e9, drained);
    }
  }

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

  /** Async publishes with at most {@link #WINDOW} in flight per lane; the audit chain grows as events are written. */
  private static final class Writer implements AutoCloseable {
    private final List<Connection> connections = new ArrayList<>();
    private final JetStream[] js = new JetStream[Lane.values().length];
    private final Semaphore[] window = new Semaphore[Lane.values().length];
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long nextIndex;
    private String head = HashChain.GENESIS;
    private long events;
    private long blocks;

    Writer(String urls) throws Exception {
      for (Lane lane : Lane.values()) {
        Connection c = Bench.connect(urls, "orderflow-bench-history-" + lane.name().toLowerCase(java.util.Locale.ROOT));
        connections.add(c);
        js[lane.ordinal()] = c.jetStream();
        window[lane.ordinal()] = new Semaphore(WINDOW);
      }
    }

    void event(Envelope e, List<AuditBlock.Entry.Unsealed> chain) throws Exception {
      byte[] bytes = EventCodec.encode(e);
      String subject = e.natsSubject();
      publish(Lane.of(subject), subject, new Headers().put("Content-Type", Envelope.CONTENT_TYPE), bytes);
      chain.add(new AuditBlock.Entry.Unsealed(e.id(), e.subject(), new String(bytes, StandardCharsets.UTF_8)));
      events++;
    }

    void block(List<AuditBlock.Entry.Unsealed> chain) throws Exception {
      AuditBlock b = HashChain.seal(nextIndex, head, chain);
      nextIndex = b.nextIndex();
      head = b.hash();
      chain.clear();
      blocks++;
      publish(Lane.AUDIT, Subjects.AUDIT_BLOCKS, null, blockJson(b));
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
        if (!w.tryAcquire(WINDOW, 120, TimeUnit.SECONDS)) throw new IllegalStateException("history publishes unanswered after 120 s");
        w.release(WINDOW);
      }
      Throwable f = failure.get();
      if (f != null) throw new IllegalStateException("history write failed: " + f, f);
    }

    @Override
    public void close() throws InterruptedException {
      for (Connection c : connections) c.close();
    }
  }

  /**
   * Every durable consumer acks what the history put in front of it, as if the services had processed it:
   * one pull consumer each, in parallel, big batches, acked as they come; pinned ones are unpinned after, so
   * the services' instances get the pin at once.
   */
  static long drainConsumers(String urls, Connection nc) throws Exception {
    JetStreamManagement jsm = nc.jetStreamManagement();
    AtomicLong acked = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      if (jsm.getConsumerInfo(c.stream(), c.durable()).getNumPending() == 0) continue;
      threads.add(Thread.ofPlatform().name("history-drain-" + c.durable()).start(() -> {
        try {
          // A connection per consumer, for the same reason as the writer's lanes.
          try (Connection own = Bench.connect(urls, "orderflow-bench-drain-" + c.durable())) {
            acked.addAndGet(drain(own, own.jetStreamManagement(), c));
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    for (Thread t : threads) t.join();
    if (failure.get() != null) throw failure.get();
    return acked.get();
  }

  private static long drain(Connection nc, JetStreamManagement jsm, Topology.ConsumerSpec c) throws Exception {
    AtomicLong n = new AtomicLong();
    ConsumeOptions.Builder o = ConsumeOptions.builder().batchSize(1000);
    if (c.pinned()) o.group(c.pinnedGroup());
    MessageConsumer mc = nc.getStreamContext(c.stream()).getConsumerContext(c.durable()).consume(o.build(), m -> {
      m.ack();
      n.incrementAndGet();
    });
    try {
      Wait.until(c.durable() + " drained", Duration.ofMinutes(30), Duration.ofMillis(200), () -> {
        ConsumerInfo ci = jsm.getConsumerInfo(c.stream(), c.durable());
        return ci.getNumPending() == 0 && ci.getNumAckPending() == 0;
      });
    } finally {
      mc.stop();
    }
    if (c.pinned()) {
      try {
        jsm.unpinConsumer(c.stream(), c.durable(), c.pinnedGroup());
      } catch (io.nats.client.JetStreamApiException e) {
        // No pin left to lift (it lapsed when the pulls stopped): the services' first pull gets it anyway.
      }
    }
    return n.get();
  }
}
