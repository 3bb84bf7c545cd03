package io.orderflow.orders;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.orderflow.orders.domain.Pricing;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.KvEntry;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inventory's published catalog (the CATALOG bucket), held in memory and kept current by a watch on the
 * bucket: pricing an order reads no key from the broker. It grows with the SKUs, never with the orders.
 * A SKU the view does not know (one stocked a moment ago, its entry still on its way) is read from the bucket,
 * so a new SKU can be ordered as soon as its {@code PUT} answered; a change to a known SKU applies as soon as
 * its watch update arrives (within milliseconds), as a price change on a shop's page does.
 * <p>
 * jnats calls the watcher on its own thread; the map is concurrent and holds immutable prices, so the
 * Vert.x contexts that price orders read it without a hand-off.
 */
final class CatalogView {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogView.class);

  private final JetStreamBridge bridge;
  private final Map<String, Pricing.CatalogPrice> prices = new ConcurrentHashMap<>();
  private volatile AutoCloseable watch;

  CatalogView(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  /** Loads the catalog; completes once every entry stored so far is in the view. */
  Future<Void> start() {
    Promise<Void> loaded = Promise.promise();
    KeyValueWatcher watcher = new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry e) {
        if (e.getOperation() == KeyValueOperation.PUT) {
          Pricing.CatalogPrice p = parse(e.getValue());
          if (p != null) prices.put(e.getKey(), p);
        } else {
          prices.remove(e.getKey());
        }
      }

      @Override
      public void endOfData() {
        loaded.tryComplete();
      }
    };
    return bridge.blocking(() -> {
      KeyValue kv = bridge.connection().keyValue(Topology.CATALOG.name());
      return kv.watchAll(watcher);
    }).compose(sub -> {
      watch = sub;
      // Bounded: a watch that never reports the end of the stored entries must fail the start, not hang it.
      return loaded.future().timeout(30, java.util.concurrent.TimeUnit.SECONDS);
    }).onSuccess(v -> LOG.info("catalog view loaded: {} SKUs, kept current by a watch", prices.size()));
  }

  Future<Void> stop() {
    AutoCloseable w = watch;
    watch = null;
    if (w == null) return Future.succeededFuture();
    return bridge.<Void>blocking(() -> {
      w.close();
      return null;
    }).recover(e -> Future.succeededFuture());
  }

  /** The prices of these SKUs; one the view does not hold is read from the bucket (and is absent if it has none). */
  Future<Map<String, Pricing.CatalogPrice>> prices(List<String> skus) {
    Map<String, Pricing.CatalogPrice> found = new HashMap<>();
    List<String> missing = null;
    for (String sku : skus) {
      Pricing.CatalogPrice p = prices.get(sku);
      if (p != null) found.put(sku, p);
      else (missing == null ? missing = new ArrayList<>() : missing).add(sku);
    }
    if (missing == null) return Future.succeededFuture(found);
    List<String> ask = missing;
    List<Future<Optional<KvEntry>>> reads = new ArrayList<>();
    for (String sku : ask) reads.add(bridge.kvGet(Topology.CATALOG, sku));
    return Future.all(reads).map(all -> {
      for (int i = 0; i < ask.size(); i++) {
        String sku = ask.get(i);
        reads.get(i).result().map(kv -> parse(kv.value())).ifPresent(p -> found.put(sku, p));
      }
      return found;
    });
  }

  private static Pricing.CatalogPrice parse(byte[] value) {
    try {
      JsonObject j = new JsonObject(Buffer.buffer(value));
      return new Pricing.CatalogPrice(j.getLong("priceCents"), j.getString("currency"), j.getBoolean("active", true));
    } catch (RuntimeException e) {
      LOG.warn("ignoring an unreadable catalog entry: {}", e.toString());
      return null;
    }
  }
}
