package io.orderflow.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Order request bodies for tests. */
final class Orders {
  private Orders() {}

  static JsonObject order(String customer, String token, Object... skuAndQuantity) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      items.add(new JsonObject().put("sku", skuAndQuantity[i]).put("quantity", skuAndQuantity[i + 1]));
    }
    return new JsonObject().put("customerId", customer).put("email", customer + "@example.com").put("items", items).put("paymentToken", token);
  }
}
