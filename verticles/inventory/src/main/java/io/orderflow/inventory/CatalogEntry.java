package io.orderflow.inventory;

import io.vertx.core.json.JsonObject;

/** One SKU of the catalog bucket, the read model orders prices orders with. */
record CatalogEntry(String sku, String name, long priceCents, String currency, boolean active) {
  JsonObject toJson() {
    JsonObject j = new JsonObject().put("sku", sku).put("priceCents", priceCents).put("currency", currency).put("active", active);
    if (name != null) j.put("name", name);
    return j;
  }

  static CatalogEntry fromJson(JsonObject j) {
    return new CatalogEntry(j.getString("sku"), j.getString("name"), j.getLong("priceCents"), j.getString("currency"),
        j.getBoolean("active", true));
  }
}
