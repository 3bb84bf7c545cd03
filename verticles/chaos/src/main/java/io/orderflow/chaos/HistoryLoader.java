package io.orderflow.chaos;

import io.nats.client.Connection;
import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.StockLine;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes N completed (paid, confirmed, mailed) orders straight into the streams of a provisioned broker
 * before the services start, as the pipeline would have stored them: the catalog's stock sets, then per
 * order OrderPlaced, StockReserved, PaymentAuthorized, OrderConfirmed, StockCommitted and NotificationSent
 * (each caused by the one before, as the services chain them), the order's ORDERS_VIEW entry, and the
 * audit chain of all of it in blocks of {@link #BLOCK} entries built with audit's own {@link HashChain}, with
 * a checkpoint at its end (what audit writes every 10,000 entries), and the inventory ledger's and audit
 * chain's snapshots at the history's end ({@link HistorySnapshots}), as the services store them. Publishes are
 * asynchronous, thousands in flight on each of four connections ({@link HistoryWriter}). Then every durable consumer is drained
 * ({@link ConsumerDrain}: fetched and acked in big batches) so that the services start at the end of the
 * history, as they would after having processed it, instead of being handed it again.
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
    try (Connection nc = Bench.connect(urls, "orderflow-bench-history"); HistoryWriter w = new HistoryWriter(urls)) {
      List<AuditBlock.Entry.Unsealed> chain = new ArrayList<>(BLOCK);
      Instant start = Instant.now().minus(Duration.ofMillis(50L * n + 60_000));
      for (Envelope e : stockSets(stock, start)) w.event(e, chain);
      for (int i = 0; i < n; i++) {
        OrderHistory o = order(i, start.plusMillis(50L * i + 1000));
        ids.add(o.orderId());
        for (Envelope e : o.events()) w.event(e, chain);
        w.publish(HistoryWriter.Lane.OTHER, "$KV." + Topology.ORDERS_VIEW.name() + "." + o.viewKey(), null, o.view());
        for (OrderLine l : ((Event.OrderPlaced) o.events().getFirst().data()).lines()) sold.merge(l.sku(), (long) l.quantity(), Long::sum);
        if (chain.size() >= BLOCK) w.block(chain);
        if (i > 0 && i % 50_000 == 0) Bench.say(String.format(java.util.Locale.ROOT, "history: %d of %d orders written (%.0f s)", i, n, (System.nanoTime() - t0) / 1e9));
      }
      if (!chain.isEmpty()) w.block(chain);
      w.awaitAll();
      // Where audit's verification starts: the end of the history's chain (the AUDIT stream holds only it).
      long lastBlock = nc.jetStreamManagement().getStreamInfo(Topology.AUDIT).getStreamState().getLastSequence();
      if (lastBlock != w.blocks()) throw new IllegalStateException("AUDIT holds " + lastBlock + " messages, the history wrote " + w.blocks() + " blocks");
      nc.jetStream().publish("$KV." + Topology.AUDIT_CHECKPOINT.name() + ".chain", new JsonObject().put("streamSequence", lastBlock)
          .put("nextIndex", w.nextIndex()).put("hash", w.head()).toBuffer().getBytes());
      long t2 = System.nanoTime();
      w.snapshots().store(nc);
      Bench.say(String.format(java.util.Locale.ROOT, "history: inventory and audit snapshots stored (%.1f s)", (System.nanoTime() - t2) / 1e9));
      double written = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      long drained = ConsumerDrain.drainAll(urls, nc);
      return new Loaded(ids, sold, w.events(), w.blocks(), written, (System.nanoTime() - t1) / 1e9, drained);
    }
  }
}
