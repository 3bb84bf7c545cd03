package io.orderflow.orders.http;

import io.orderflow.codecs.Ids;
import io.orderflow.orders.domain.PlaceOrder;
import io.orderflow.runtime.http.Problem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads {@code POST /orders} bodies; every rejection names the field and what it expects. */
final class OrderRequestParser {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
  static final int MAX_QUANTITY = 10_000;

  private final int maxLines;

  OrderRequestParser(int maxLines) {
    this.maxLines = maxLines;
  }

  PlaceOrder parse(RequestBody body) {
    JsonObject json;
    try {
      json = body == null || body.length() == 0 ? null : body.asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw bad("the body is not a JSON object");
    }
    if (json == null) throw bad("a JSON body is required");
    String customerId = string(json, "customerId");
    if (!Ids.isCustomerId(customerId)) throw bad("customerId must be 1-64 letters, digits, '-' or '_'");
    String email = string(json, "email");
    if (email.length() > 254 || !EMAIL.matcher(email).matches()) throw bad("email is not an email address");
    String token = string(json, "paymentToken");
    if (token.length() > 255) throw bad("paymentToken is too long");
    if (!(json.getValue("items") instanceof JsonArray items)) throw bad("items must be an array of {\"sku\",\"quantity\"}");
    if (items.isEmpty()) throw bad("items must not be empty");
    if (items.size() > maxLines) throw bad("too many lines: at most " + maxLines);
    List<PlaceOrder.Item> parsed = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) parsed.add(item(items.getValue(i), i));
    return new PlaceOrder(customerId, email, List.copyOf(parsed), token);
  }

  private static PlaceOrder.Item item(Object value, int index) {
    if (!(value instanceof JsonObject item)) throw bad("items[" + index + "] must be an object");
    Object sku = item.getValue("sku");
    if (!(sku instanceof String s) || !Ids.isSku(s)) throw bad("items[" + index + "].sku must be a SKU (1-64 letters, digits, '-' or '_')");
    Object q = item.getValue("quantity");
    if (!(q instanceof Integer || q instanceof Long)) throw bad("items[" + index + "].quantity must be an integer");
    long quantity = ((Number) q).longValue();
    if (quantity <= 0) throw bad("items[" + index + "].quantity must be positive");
    if (quantity > MAX_QUANTITY) throw bad("items[" + index + "].quantity must be at most " + MAX_QUANTITY);
    return new PlaceOrder.Item(s, (int) quantity);
  }

  private static String string(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) throw bad(field + " is required and must be a non-empty string");
    return s;
  }

  private static Problem.Failure bad(String detail) {
    return Problem.badRequest(detail).failure();
  }
}
