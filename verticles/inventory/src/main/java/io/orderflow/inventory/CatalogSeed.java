package io.orderflow.inventory;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a demo catalog from a JSON file when the catalog bucket is still empty. */
final class CatalogSeed {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogSeed.class);

  private CatalogSeed() {}

  static Future<Void> loadIfEmpty(StockAdmin admin, io.orderflow.runtime.messaging.JetStreamBridge bridge, Path file) {
    return bridge.kvKeys(Topology.CATALOG, ">").compose(keys -> {
      if (!keys.isEmpty()) return Future.succeededFuture();
      JsonObject seed;
      try {
        seed = new JsonObject(Files.readString(file));
      } catch (Exception e) {
        return Future.failedFuture(new IllegalArgumentException("cannot read catalog seed " + file + ": " + e.getMessage(), e));
      }
      String currency = seed.getString("currency", "EUR");
      List<Future<Void>> sets = new ArrayList<>();
      for (Object o : seed.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        var entry = new CatalogEntry(item.getString("sku"), item.getString("name"), item.getLong("priceCents"), currency, true);
        sets.add(admin.set(entry, item.getLong("available"), null, null));
      }
      LOG.info("loading {} catalog items from {}", sets.size(), file);
      return Future.all(sets).mapEmpty();
    });
  }
}
