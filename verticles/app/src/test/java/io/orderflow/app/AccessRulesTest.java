package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.Role;
import io.orderflow.runtime.security.TokenIssuer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every row of the README's "who may call what" table, against real hosts: anonymous callers get 401 with a
 * challenge, wrong roles 403, another customer's order 404; and tokens that are forged, expired, unsigned or
 * meant for someone else are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessRulesTest {
  private static final String ANONYMOUS = "anonymous";
  Pipeline p;
  int api;
  int mgmt;
  String alice;
  String bob;
  String auditor;
  String aliceOrder;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    ServiceHost host = p.host("all");
    api = host.publicPort();
    mgmt = host.managementPort();
    alice = p.customerToken("c-alice");
    bob = p.customerToken("c-bob");
    auditor = p.tokens.issue("auditor-1", List.of(Role.AUDITOR), Duration.ofHours(1));
    assertThat(call(HttpMethod.PUT, "/inventory/SKU-ACL", stock(), p.adminToken).statusCode()).isBetween(200, 299);
    HttpResponse<Buffer> placed = call(HttpMethod.POST, "/orders", order("c-alice"), alice);
    assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(202);
    aliceOrder = placed.bodyAsJsonObject().getString("orderId");
    await().atMost(Duration.ofSeconds(30)).until(() -> call(HttpMethod.GET, "/orders/" + aliceOrder, null, alice).statusCode() == 200);
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @Test
  void placingAnOrderNeedsTheCustomersOwnTokenOrAnAdmins() throws Exception {
    // Measured once everything earlier orders set off is done: the count then moves only for what these store.
    await().atMost(Duration.ofSeconds(60)).until(p::quiet);
    long before = p.writes();
    assertUnauthorized(call(HttpMethod.POST, "/orders", order("c-alice"), ANONYMOUS), false);
    assertRefused(call(HttpMethod.POST, "/orders", order("c-alice"), bob), 403);
    assertRefused(call(HttpMethod.POST, "/orders", order("c-alice"), auditor), 403);
    assertRefused(call(HttpMethod.POST, "/orders", order("c-alice"), "not-a-jwt"), 401);
    assertThat(p.writes()).as("nothing stored for refused orders").isEqualTo(before);
    assertThat(call(HttpMethod.POST, "/orders", order("c-alice"), p.adminToken).statusCode()).as("a back office places for a customer").isEqualTo(202);
  }

  @Test
  void aCustomerListsOnlyItsOwnOrdersAndAnAdminAnyones() {
    assertThat(call(HttpMethod.GET, "/orders?customerId=c-alice", null, alice).bodyAsJsonObject().getJsonArray("orders")).isNotEmpty();
    assertRefused(call(HttpMethod.GET, "/orders?customerId=c-alice", null, bob), 403);
    assertRefused(call(HttpMethod.GET, "/orders?customerId=c-alice", null, auditor), 403);
    assertUnauthorized(call(HttpMethod.GET, "/orders?customerId=c-alice", null, ANONYMOUS), false);
    assertThat(call(HttpMethod.GET, "/orders?customerId=c-alice", null, p.adminToken).statusCode()).isEqualTo(200);
  }

  @Test
  void anotherCustomersOrderLooksMissing() {
    for (String path : List.of("/orders/" + aliceOrder, "/orders/" + aliceOrder + "/events", "/orders/" + aliceOrder + "/timeline")) {
      assertThat(call(HttpMethod.GET, path, null, alice).statusCode()).as(path).isEqualTo(200);
      assertThat(call(HttpMethod.GET, path, null, p.adminToken).statusCode()).as(path).isEqualTo(200);
      HttpResponse<Buffer> others = call(HttpMethod.GET, path, null, bob);
      assertRefused(others, 404);
      // Indistinguishable from an order that does not exist.
      HttpResponse<Buffer> missing = call(HttpMethod.GET, path.replace(aliceOrder, "00000000-0000-4000-8000-000000000000"), null, bob);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertRefused(call(HttpMethod.GET, path, null, auditor), 404);
      assertUnauthorized(call(HttpMethod.GET, path, null, ANONYMOUS), false);
    }
  }

  @Test
  void stockIsReadByAnyTokenAndSetByAdminsOnly() {
    assertThat(call(HttpMethod.GET, "/inventory/SKU-ACL", null, bob).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/inventory/SKU-ACL", null, auditor).statusCode()).isEqualTo(200);
    assertUnauthorized(call(HttpMethod.GET, "/inventory/SKU-ACL", null, ANONYMOUS), false);
    assertRefused(call(HttpMethod.PUT, "/inventory/SKU-ACL", stock(), bob), 403);
    assertRefused(call(HttpMethod.PUT, "/inventory/SKU-ACL", stock(), auditor), 403);
    assertUnauthorized(call(HttpMethod.PUT, "/inventory/SKU-ACL", stock(), ANONYMOUS), false);
  }

  @Test
  void theAuditLogIsForAdminsAndAuditors() {
    assertThat(call(HttpMethod.GET, "/audit/verify", null, auditor).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/audit/verify", null, p.adminToken).statusCode()).isEqualTo(200);
    assertRefused(call(HttpMethod.GET, "/audit/verify", null, alice), 403);
    assertRefused(call(HttpMethod.GET, "/audit/orders/" + aliceOrder, null, alice), 403);
    assertUnauthorized(call(HttpMethod.GET, "/audit/verify", null, ANONYMOUS), false);
  }

  @Test
  void managementProbesAreOpenAndItsAdminApiIsNot() {
    for (String path : List.of("/health", "/ready", "/metrics")) {
      assertThat(p.call(HttpMethod.GET, mgmt, path, null, Map.of("Authorization", "")).statusCode()).as(path).isIn(200, 503);
    }
    assertUnauthorized(p.call(HttpMethod.GET, mgmt, "/admin/dlq", null, Map.of("Authorization", "")), false);
    assertRefused(p.call(HttpMethod.GET, mgmt, "/admin/dlq", null, Map.of("Authorization", "Bearer " + alice)), 403);
    assertRefused(p.call(HttpMethod.DELETE, mgmt, "/admin/dlq/1", null, Map.of("Authorization", "Bearer " + auditor)), 403);
    assertThat(p.call(HttpMethod.GET, mgmt, "/admin/dlq", null, Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void forgedExpiredAndMisdirectedTokensAreRefused() throws Exception {
    TokenIssuer otherKey = TokenIssuer.of(p.clientVertx, DevKeys.ensure(Files.createTempDirectory("orderflow-jwt-other-")));
    DevKeys trusted = DevKeys.ensure(keyDirOf());
    String unsigned = ForgedTokens.unsignedAdmin("c-alice");
    // Algorithm confusion: an HS256 token whose secret is a public key's PEM text.
    String confused = TokenIssuer.of(p.clientVertx, new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(trusted.publicPem()),
        "orderflow", "orderflow-api").admin("mallory", Duration.ofHours(1));
    Map<String, String> bad = Map.of(
        "signed with another key", otherKey.admin("mallory", Duration.ofHours(1)),
        "expired", p.tokens.issue("c-alice", List.of(Role.CUSTOMER), Duration.ofMinutes(-5)),
        "alg none", unsigned,
        "another issuer", TokenIssuer.of(p.clientVertx, new PubSecKeyOptions().setAlgorithm("ES256")
            .setBuffer(DevKeys.ensure(keyDirOf()).privatePem()), "someone-else", "orderflow-api").customer("c-alice", Duration.ofHours(1)),
        "another audience", TokenIssuer.of(p.clientVertx, new PubSecKeyOptions().setAlgorithm("ES256")
            .setBuffer(DevKeys.ensure(keyDirOf()).privatePem()), "orderflow", "another-api").customer("c-alice", Duration.ofHours(1)),
        "no roles", p.tokens.issue(new JsonObject(), "c-alice", Duration.ofHours(1)),
        "unknown role only", p.tokens.issue(new JsonObject().put("roles", new JsonArray().add("superuser")), "c-alice", Duration.ofHours(1)),
        "algorithm confusion", confused,
        "tampered payload", ForgedTokens.promotedToAdmin(alice));
    bad.forEach((why, token) -> {
      HttpResponse<Buffer> r = call(HttpMethod.GET, "/orders/" + aliceOrder, null, token);
      assertThat(r.statusCode()).as(why + ": " + r.bodyAsString()).isEqualTo(401);
      assertThat(r.getHeader("WWW-Authenticate")).as(why).contains("invalid_token");
    });
    HttpResponse<Buffer> basic = p.call(HttpMethod.GET, api, "/orders/" + aliceOrder, null, Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"));
    assertUnauthorized(basic, true);
    // A token long past every header limit is refused by the server itself.
    HttpResponse<Buffer> huge = p.call(HttpMethod.GET, api, "/orders/" + aliceOrder, null, Map.of("Authorization", "Bearer " + "a".repeat(20_000)));
    assertThat(huge.statusCode()).isEqualTo(431);
  }

  /** The trusted development key's folder: the pipeline's hosts verify with its public half. */
  private java.nio.file.Path keyDirOf() {
    return java.nio.file.Path.of(p.settingsValue("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR"));
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body, String token) {
    return p.call(method, api, path, body, Map.of("Authorization", token.equals(ANONYMOUS) ? "" : "Bearer " + token));
  }

  private static void assertRefused(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    if (status == 401 || status == 403) assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer realm=\"orderflow\"");
  }

  private static void assertUnauthorized(HttpResponse<Buffer> r, boolean malformed) {
    assertRefused(r, 401);
    if (!malformed) assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"orderflow\"");
  }

  private static JsonObject order(String customer) {
    return Orders.order(customer, "tok_visa", "SKU-ACL", 1);
  }

  private static JsonObject stock() {
    return new JsonObject().put("priceCents", 500).put("available", 1000);
  }
}
