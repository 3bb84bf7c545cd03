package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a problem+json naming the problem, and nothing is published. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderApiTest {
  Pipeline p;
  int api;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    api = p.host("orders,inventory").publicPort();
    p.call(HttpMethod.PUT, api, "/inventory/SKU-1", new JsonObject().put("priceCents", 1250).put("available", 5), Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{not json",
      "[]",
      "{}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":0}],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":-1}],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":\"2\"}],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1.5}],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c-1\",\"email\":\"not-an-email\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1}],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c 1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1}],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[],\"paymentToken\":\"tok_visa\"}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1}]}",
      "{\"customerId\":\"c-1\",\"email\":\"ada@example.com\",\"items\":[{\"sku\":\"NOPE\",\"quantity\":1}],\"paymentToken\":\"tok_visa\"}",
  })
  void badOrdersAreProblemsAndPublishNothing(String body) throws Exception {
    long before = ordersStored();
    HttpResponse<Buffer> r = p.http.post(api, "127.0.0.1", "/orders").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + p.customerToken("c-1")).sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS);
    assertProblem(r);
    assertThat(ordersStored()).isEqualTo(before);
  }

  @Test
  void tooManyLinesIsAProblem() throws Exception {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 51; i++) items.add(new JsonObject().put("sku", "SKU-1").put("quantity", 1));
    JsonObject body = Orders.order("c-1", "tok_visa").put("items", items);
    HttpResponse<Buffer> r = p.call(HttpMethod.POST, api, "/orders", body, Map.of());
    assertProblem(r);
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("too many items").contains("items");
  }

  @Test
  void aBodyTooLargeIsAProblem() {
    JsonObject body = Orders.order("c-1", "tok_visa", "SKU-1", 1).put("padding", "x".repeat(100_000));
    HttpResponse<Buffer> r = p.call(HttpMethod.POST, api, "/orders", body, Map.of());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void anUnknownOrderIsNotFound() {
    assertProblem(p.get(api, "/orders/0190a0a0-0000-7000-8000-000000000000"));
    assertProblem(p.get(api, "/orders/not-an-id"));
    assertProblem(p.get(api, "/orders"));
  }

  @Test
  void anAcceptedOrderIsReadableAtOnceAndListedNewestFirst() {
    String first = place("c-list");
    String second = place("c-list");
    JsonObject order = p.get(api, "/orders/" + second).bodyAsJsonObject();
    assertThat(order.getString("status")).isEqualTo("PENDING");
    assertThat(order.getLong("totalCents")).isEqualTo(1250);
    assertThat(order.getString("currency")).isEqualTo("EUR");
    JsonObject page = p.get(api, "/orders?customerId=c-list&limit=1").bodyAsJsonObject();
    assertThat(page.getJsonArray("orders").getJsonObject(0).getString("orderId")).isEqualTo(second);
    assertThat(page.getString("next")).contains("before=");
    JsonObject next = p.get(api, page.getString("next")).bodyAsJsonObject();
    assertThat(next.getJsonArray("orders").getJsonObject(0).getString("orderId")).isEqualTo(first);
  }

  @Test
  void anIdempotencyKeyStandsForOneRequest() {
    JsonObject body = Orders.order("c-key", "tok_visa", "SKU-1", 1);
    var first = p.call(HttpMethod.POST, api, "/orders", body, Map.of("Idempotency-Key", "k-1"));
    var again = p.call(HttpMethod.POST, api, "/orders", body, Map.of("Idempotency-Key", "k-1"));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.bodyAsJsonObject().getString("orderId")).isEqualTo(first.bodyAsJsonObject().getString("orderId"));
    var other = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-key", "tok_visa", "SKU-1", 2), Map.of("Idempotency-Key", "k-1"));
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.getHeader("Content-Type")).isEqualTo("application/problem+json");
    var otherCustomer = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-key2", "tok_visa", "SKU-1", 1), Map.of("Idempotency-Key", "k-1"));
    assertThat(otherCustomer.bodyAsJsonObject().getString("orderId")).as("keys are per customer")
        .isNotEqualTo(first.bodyAsJsonObject().getString("orderId"));
  }

  /**
   * A keyed request that failed (the broker refused its order: 503) locks nothing: its hand-offs name its
   * own fingerprint and simply expire, so a corrected retry with the same key is a new request, not a
   * conflict, and the stored order's token is the corrected one.
   */
  @Test
  void aKeyWhoseOrderWasNeverAcceptedIsFreeForACorrectedRetry() throws Exception {
    var jsm = p.nc.jetStreamManagement();
    var config = jsm.getStreamInfo("ORDERS").getConfiguration();
    // The stream takes no OrderPlaced for a moment (as when its leader is lost): the first attempt fails.
    jsm.updateStream(io.nats.client.api.StreamConfiguration.builder(config)
        .subjects(config.getSubjects().stream().map(s -> s.equals("orderflow.orders.>") ? "orderflow.orders.ended.>" : s).toList()).build());
    HttpResponse<Buffer> failed;
    try {
      failed = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-retry", "tok_typo", "SKU-1", 1), Map.of("Idempotency-Key", "retry-1"));
    } finally {
      jsm.updateStream(config);
    }
    assertThat(failed.statusCode()).as(failed.bodyAsString()).isEqualTo(503);

    var corrected = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-retry", "tok_visa", "SKU-1", 1), Map.of("Idempotency-Key", "retry-1"));

    assertThat(corrected.statusCode()).as(corrected.bodyAsString()).isEqualTo(202);
    String id = corrected.bodyAsJsonObject().getString("orderId");
    String fingerprint = p.get(api, "/orders/" + id + "/events").bodyAsJsonArray().getJsonObject(0).getJsonObject("data").getString("requestHash");
    var token = jsm.getLastMessage("PAYMENT_TOKENS", io.orderflow.codecs.Subjects.handOff(io.orderflow.codecs.Subjects.HANDOFF_PAYMENT_TOKEN, id, fingerprint));
    assertThat(new String(token.getData(), java.nio.charset.StandardCharsets.UTF_8)).as("the stored order's token").isEqualTo("tok_visa");
    var again = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-retry", "tok_visa", "SKU-1", 1), Map.of("Idempotency-Key", "retry-1"));
    assertThat(again.bodyAsJsonObject().getString("orderId")).as("the key now stands for that order").isEqualTo(id);
  }

  private String place(String customer) {
    HttpResponse<Buffer> r = p.call(HttpMethod.POST, api, "/orders", Orders.order(customer, "tok_visa", "SKU-1", 1), Map.of());
    assertThat(r.statusCode()).isEqualTo(202);
    return r.bodyAsJsonObject().getString("orderId");
  }

  private long ordersStored() throws Exception {
    return p.nc.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount();
  }

  private static void assertProblem(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(400, 499);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("detail")).isNotBlank();
  }
}
