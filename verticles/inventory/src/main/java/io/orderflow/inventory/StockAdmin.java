package io.orderflow.inventory;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Sets a SKU's price and available quantity: a StockSet event for the ledger and the catalog entry for orders. */
final class StockAdmin {
  private final JetStreamBridge bridge;
  private final LedgerVerticle ledger;

  StockAdmin(JetStreamBridge bridge, LedgerVerticle ledger) {
    this.bridge = bridge;
    this.ledger = ledger;
  }

  /**
   * Completes once both are stored and this instance's ledger has folded the new quantity. The StockSet names the
   * price and {@code actor} (the token's subject; null for the demo catalog's seeding): the audit chain keeps who set what.
   */
  Future<Void> set(CatalogEntry entry, long available, String actor, String traceparent) {
    var event = new Event.StockSet(entry.sku(), available, entry.priceCents(), entry.currency(), actor);
    Envelope stockSet = Envelope.of(event, Instant.now(), Cause.trace(traceparent));
    return bridge.publish(stockSet)
        .compose(ack -> bridge.kvPut(Topology.CATALOG, entry.sku(), entry.toJson().toBuffer().getBytes())
            .compose(rev -> ledger.awaitSequence(ack.getSeqno(), 5000)));
  }

  Future<java.util.Optional<CatalogEntry>> catalogEntry(String sku) {
    return bridge.kvGet(Topology.CATALOG, sku)
        .map(e -> e.map(kv -> CatalogEntry.fromJson(new JsonObject(io.vertx.core.buffer.Buffer.buffer(kv.value())))));
  }
}
