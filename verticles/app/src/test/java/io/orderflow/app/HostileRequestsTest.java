package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.TokenIssuer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A corpus of hostile requests (malformed and deeply nested JSON, huge numbers, wrong types, duplicate keys,
 * unicode tricks, oversized bodies and arrays, injection strings, forged and expired tokens, other customers'
 * orders): each gets its status as problem+json, nothing is stored for any of them, and the system still
 * completes a good order afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsTest {
  private static final String NONE = "";
  Pipeline p;
  int api;
  String customer;
  String admin;
  String otherCustomersOrder;

  record Hostile(String name, HttpMethod method, String path, String contentType, String body, String authorization, int expected) {}

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    ServiceHost host = p.host("all");
    api = host.publicPort();
    customer = "Bearer " + p.customerToken("c-1");
    admin = "Bearer " + p.adminToken;
    assertThat(p.call(HttpMethod.PUT, api, "/inventory/SKU-H", new JsonObject().put("priceCents", 700).put("available", 1000), Map.of())
        .statusCode()).isEqualTo(200);
    var other = p.place(api, Orders.order("c-2", "tok_visa", "SKU-H", 1), null).await(10, TimeUnit.SECONDS);
    assertThat(other.statusCode()).isEqualTo(202);
    otherCustomersOrder = other.bodyAsJsonObject().getString("orderId");
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @Test
  void everyHostileRequestGetsItsRefusalAndNothingIsStored() throws Exception {
    List<Hostile> corpus = corpus();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
    await().atMost(Duration.ofSeconds(60)).until(p::quiet);
    long before = p.writes();
    List<String> wrong = new ArrayList<>();
    for (Hostile h : corpus) {
      HttpResponse<Buffer> r;
      try {
        r = send(h);
      } catch (io.vertx.core.http.HttpClosedException | java.util.concurrent.CompletionException e) {
        // A server refusing an oversized body may close the connection while the client still writes it; the
        // client then sees the close before (or instead of) the 413. Refused either way. (A 431 comes whole:
        // the headers are all read before it is answered.)
        if (h.expected() == 413) continue;
        throw e;
      }
      boolean problem = r.statusCode() == 431 || "application/problem+json".equals(r.getHeader("Content-Type"));
      if (r.statusCode() != h.expected() || !problem) {
        wrong.add(h.name() + ": expected " + h.expected() + ", got " + r.statusCode() + " " + abbreviate(r.bodyAsString()));
      }
    }
    assertThat(wrong).as("requests answered otherwise than expected").isEmpty();
    assertThat(p.writes()).as("nothing stored for any hostile request").isEqualTo(before);

    var good = p.place(api, Orders.order("c-1", "tok_visa", "SKU-H", 2), null).await(10, TimeUnit.SECONDS);
    assertThat(good.statusCode()).isEqualTo(202);
    String id = good.bodyAsJsonObject().getString("orderId");
    await().atMost(Duration.ofSeconds(60)).until(() -> "CONFIRMED".equals(
        p.call(HttpMethod.GET, api, "/orders/" + id, null, Map.of()).bodyAsJsonObject().getString("status")));
  }

  private List<Hostile> corpus() throws Exception {
    List<Hostile> c = new ArrayList<>();
    // Malformed JSON.
    String[] malformed = {"{", "}", "{not json", "\"a string\"", "123", "null", "true", "[]", "", "   ",
        "{\"customerId\":\"c-1\",}", "{'customerId':'c-1'}", "{\"customerId\":\"c-1\"} trailing", "{\"customerId\":\"c-1\"}{}",
        "/* comment */ {}", "\uFEFF{}", "{\"x\":NaN}", "{\"x\":Infinity}", "{\"x\":01}", "{\"x\":.5}", "{\"x\":1e}",
        "{\"x\":\"\\uZZZZ\"}", "{\"x\":\"unterminated}", "{\"x\" 1}", "{\"x\":[1,2}", "\u0000{}"};
    for (int i = 0; i < malformed.length; i++) c.add(order("malformed " + i, malformed[i], 400));
    c.add(order("nested 20 deep", "[".repeat(20) + "]".repeat(20), 400));
    c.add(order("nested 5000 deep", "[".repeat(5000) + "]".repeat(5000), 400));
    c.add(order("objects 100 deep", "{\"a\":".repeat(100) + "1" + "}".repeat(100), 400));

    // Numbers and types.
    for (Object q : new Object[] {0, -1, 1.5, 10_001, "1", true, new JsonArray(), new JsonObject()}) {
      c.add(order("quantity " + q, with(item -> item.put("quantity", q)), 400));
    }
    c.add(order("quantity 1e400", good().replace("\"quantity\":1", "\"quantity\":1e400"), 400));
    c.add(order("quantity 10^23", good().replace("\"quantity\":1", "\"quantity\":99999999999999999999999"), 400));
    c.add(order("quantity 40 digits", good().replace("\"quantity\":1", "\"quantity\":" + "9".repeat(40)), 400));
    c.add(order("quantity null", good().replace("\"quantity\":1", "\"quantity\":null"), 400));
    for (String field : List.of("customerId", "email", "items", "paymentToken")) {
      JsonObject o = new JsonObject(good());
      o.remove(field);
      c.add(order("missing " + field, o.encode(), 400));
      c.add(order(field + " a number", new JsonObject(good()).put(field, 42).encode(), 400));
    }

    // Ids: unicode tricks, injection strings, lengths.
    String[] badIds = {"", "c 1", "c-1\u0000", "\uff43-\uff11", "c-1\u200b", "c-1\u202e", "' OR 1=1--", "c-1.>", "c-1*",
        "a".repeat(65), "c-1\r\nX-Injected: 1", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "c-1/../c-2"};
    for (String id : badIds) c.add(order("customerId " + visible(id), new JsonObject(good()).put("customerId", id).encode(), 400));
    c.add(order("another customer's id", new JsonObject(good()).put("customerId", "c-2").encode(), 403));
    String[] badSkus = {"../etc/passwd", "SKU.>", "*", "", "a".repeat(65), "SKU\nX", "SKU H", "SKU-\u00e9"};
    for (String sku : badSkus) c.add(order("sku " + visible(sku), with(item -> item.put("sku", sku)), 400));
    String[] badEmails = {"not-an-email", "a@b", "a@b.c\r\nBcc: x@y.z", "a\u0000@b.c", "a@b." + "c".repeat(300), "a b@c.d", "@b.c"};
    for (String e : badEmails) c.add(order("email " + visible(e), new JsonObject(good()).put("email", e).encode(), 400));
    String[] badTokens = {"", "tok visa", "tok\u0000", "x".repeat(300), "tok_\u00e9"};
    for (String t : badTokens) c.add(order("paymentToken " + visible(t), new JsonObject(good()).put("paymentToken", t).encode(), 400));

    // Arrays.
    c.add(order("no items", new JsonObject(good()).put("items", new JsonArray()).encode(), 400));
    JsonArray many = new JsonArray();
    for (int i = 0; i < 51; i++) many.add(new JsonObject().put("sku", "SKU-H").put("quantity", 1));
    c.add(order("51 lines", new JsonObject(good()).put("items", many).encode(), 400));
    c.add(order("items a string", new JsonObject(good()).put("items", "SKU-H").encode(), 400));
    c.add(order("items of numbers", new JsonObject(good()).put("items", new JsonArray().add(1).add(2)).encode(), 400));
    c.add(order("item without quantity", new JsonObject(good()).put("items", new JsonArray().add(new JsonObject().put("sku", "SKU-H"))).encode(), 400));
    c.add(order("item without sku", new JsonObject(good()).put("items", new JsonArray().add(new JsonObject().put("quantity", 1))).encode(), 400));
    c.add(order("item in an array", new JsonObject(good()).put("items", new JsonArray().add(new JsonArray().add(1))).encode(), 400));

    // Duplicate keys: parsers disagree which one wins.
    c.add(order("duplicate customerId", good().replace("{\"customerId\":\"c-1\"", "{\"customerId\":\"c-1\",\"customerId\":\"c-2\""), 400));
    c.add(order("duplicate quantity", good().replace("\"quantity\":1", "\"quantity\":1,\"quantity\":9999"), 400));
    c.add(order("duplicate items", good().replace("\"items\":", "\"items\":[],\"items\":"), 400));

    // Media types and sizes.
    c.add(new Hostile("text/plain", HttpMethod.POST, "/orders", "text/plain", good(), customer, 415));
    c.add(new Hostile("no content type", HttpMethod.POST, "/orders", null, good(), customer, 415));
    c.add(new Hostile("xml", HttpMethod.POST, "/orders", "application/xml", "<order/>", customer, 415));
    c.add(new Hostile("form", HttpMethod.POST, "/orders", "application/x-www-form-urlencoded", "customerId=c-1", customer, 415));
    c.add(new Hostile("multipart", HttpMethod.POST, "/orders", "multipart/form-data; boundary=x", "--x--", customer, 415));
    c.add(order("70 KB body", new JsonObject(good()).put("pad", "x".repeat(70_000)).encode(), 413));
    JsonArray huge = new JsonArray();
    for (int i = 0; i < 10_000; i++) huge.add(new JsonObject().put("sku", "SKU-H").put("quantity", 1));
    c.add(order("10,000 lines", new JsonObject(good()).put("items", huge).encode(), 413));
    c.add(new Hostile("20 KB of headers", HttpMethod.GET, "/orders/" + otherCustomersOrder, null, null, "Bearer " + "a".repeat(20_000), 431));

    // Tokens.
    c.add(new Hostile("no token", HttpMethod.POST, "/orders", "application/json", good(), NONE, 401));
    c.add(new Hostile("empty bearer", HttpMethod.POST, "/orders", "application/json", good(), "Bearer ", 401));
    c.add(new Hostile("basic auth", HttpMethod.POST, "/orders", "application/json", good(), "Basic YzoxOnNlY3JldA==", 401));
    c.add(new Hostile("garbage token", HttpMethod.POST, "/orders", "application/json", good(), "Bearer abc.def.ghi", 401));
    c.add(new Hostile("alg none", HttpMethod.POST, "/orders", "application/json", good(), "Bearer " + ForgedTokens.unsignedAdmin("c-1"), 401));
    c.add(new Hostile("expired", HttpMethod.POST, "/orders", "application/json", good(),
        "Bearer " + p.tokens.issue("c-1", List.of(io.orderflow.runtime.security.Role.CUSTOMER), Duration.ofMinutes(-10)), 401));
    TokenIssuer stranger = TokenIssuer.of(p.clientVertx, DevKeys.ensure(Files.createTempDirectory("orderflow-jwt-stranger-")));
    c.add(new Hostile("signed with another key", HttpMethod.POST, "/orders", "application/json", good(),
        "Bearer " + stranger.customer("c-1", Duration.ofHours(1)), 401));
    c.add(new Hostile("tampered to admin", HttpMethod.PUT, "/inventory/SKU-H", "application/json", "{\"priceCents\":1,\"available\":1}",
        "Bearer " + ForgedTokens.promotedToAdmin(p.customerToken("c-1")), 401));
    c.add(new Hostile("another customer's order", HttpMethod.GET, "/orders/" + otherCustomersOrder, null, null, customer, 404));
    c.add(new Hostile("another customer's events", HttpMethod.GET, "/orders/" + otherCustomersOrder + "/events", null, null, customer, 404));
    c.add(new Hostile("another customer's list", HttpMethod.GET, "/orders?customerId=c-2", null, null, customer, 403));
    c.add(new Hostile("customer sets stock", HttpMethod.PUT, "/inventory/SKU-H", "application/json", "{\"priceCents\":1,\"available\":1}", customer, 403));
    c.add(new Hostile("customer verifies audit", HttpMethod.GET, "/audit/verify", null, null, customer, 403));

    // Paths, queries, headers.
    c.add(new Hostile("order id not an id", HttpMethod.GET, "/orders/not-an-id", null, null, customer, 400));
    c.add(new Hostile("order id injection", HttpMethod.GET, "/orders/%27%20OR%201%3D1", null, null, customer, 400));
    c.add(new Hostile("list without customer", HttpMethod.GET, "/orders", null, null, customer, 400));
    c.add(new Hostile("list empty customer", HttpMethod.GET, "/orders?customerId=", null, null, customer, 400));
    c.add(new Hostile("limit 0", HttpMethod.GET, "/orders?customerId=c-1&limit=0", null, null, customer, 400));
    c.add(new Hostile("limit 101", HttpMethod.GET, "/orders?customerId=c-1&limit=101", null, null, customer, 400));
    c.add(new Hostile("limit abc", HttpMethod.GET, "/orders?customerId=c-1&limit=abc", null, null, customer, 400));
    c.add(new Hostile("cursor -1", HttpMethod.GET, "/orders?customerId=c-1&before=-1", null, null, customer, 400));
    c.add(new Hostile("delete an order", HttpMethod.DELETE, "/orders/" + otherCustomersOrder, null, null, admin, 404));
    c.add(new Hostile("sku with NUL", HttpMethod.GET, "/inventory/SKU%00H", null, null, customer, 400));
    Hostile longKey = order("Idempotency-Key of 300", good(), 400);
    c.add(new Hostile(longKey.name(), longKey.method(), longKey.path() + "#key=" + "k".repeat(300), longKey.contentType(), longKey.body(), customer, 400));
    c.add(new Hostile("Idempotency-Key not ASCII", HttpMethod.POST, "/orders#key=cl\u00e9", "application/json", good(), customer, 400));

    // Stock and prices, even from an admin.
    String[] badStock = {"{\"priceCents\":-1,\"available\":1}", "{\"priceCents\":0,\"available\":1}", "{\"priceCents\":1000000000000,\"available\":1}",
        "{\"priceCents\":\"5\",\"available\":1}", "{\"priceCents\":5,\"available\":-1}", "{\"priceCents\":5,\"available\":1,\"currency\":\"eur\"}",
        "{\"priceCents\":5,\"available\":1,\"name\":\"a\\u0000b\"}", "{\"available\":1}", "{\"priceCents\":5,\"available\":1.5}",
        "{\"priceCents\":5,\"priceCents\":6,\"available\":1}"};
    for (int i = 0; i < badStock.length; i++) {
      c.add(new Hostile("stock " + i, HttpMethod.PUT, "/inventory/SKU-H", "application/json", badStock[i], admin, 400));
    }
    return c;
  }

  private Hostile order(String name, String body, int expected) {
    return new Hostile(name, HttpMethod.POST, "/orders", "application/json", body, customer, expected);
  }

  private static String good() {
    return "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-H\",\"quantity\":1}],\"paymentToken\":\"tok_visa\"}";
  }

  private static String with(UnaryOperator<JsonObject> item) {
    JsonObject o = new JsonObject(good());
    item.apply(o.getJsonArray("items").getJsonObject(0));
    return o.encode();
  }

  private HttpResponse<Buffer> send(Hostile h) throws Exception {
    String path = h.path();
    String key = null;
    int hash = path.indexOf("#key=");
    if (hash >= 0) {
      key = path.substring(hash + 5);
      path = path.substring(0, hash);
    }
    var req = p.http.request(h.method(), api, "127.0.0.1", path);
    if (!h.authorization().isEmpty()) req.putHeader("Authorization", h.authorization());
    // A connection each: a server refusing an oversized request closes its connection, which must not fail the next.
    req.putHeader("Connection", "close");
    if (h.contentType() != null) req.putHeader("Content-Type", h.contentType());
    if (key != null) req.putHeader("Idempotency-Key", key);
    var sent = h.body() == null ? req.send() : req.sendBuffer(Buffer.buffer(h.body().getBytes(StandardCharsets.UTF_8)));
    return sent.await(20, TimeUnit.SECONDS);
  }

  private static String visible(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : (s.length() > 20 ? s.substring(0, 20) + "…" : s).toCharArray()) {
      b.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
    }
    return "'" + b + "'";
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }
}
