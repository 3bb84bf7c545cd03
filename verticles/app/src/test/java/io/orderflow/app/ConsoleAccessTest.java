package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who gets into the console and what a session may do, on a real pipeline: the sign-in exchanges an admin token
 * for an HttpOnly, SameSite=Strict cookie; everything else needs that cookie, and every state change its CSRF
 * token; the live stream carries what the pipeline does. The browser itself is ConsoleBrowserTest's.
 */
class ConsoleAccessTest {
  static Pipeline p;
  static int mgmt;
  static int api;

  @BeforeAll
  static void start() throws Exception {
    p = new Pipeline().with("ORDERFLOW_PSP_ADMIN_SECRET", Pipeline.PSP_ADMIN_SECRET);
    var host = p.host("orders,inventory,payments");
    mgmt = host.managementPort();
    api = host.publicPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (p != null) p.close();
  }

  @Test
  void anAnonymousVisitorIsSentToSignInAndTheApiRefusesHim() {
    var page = call(HttpMethod.GET, "/console/", null, Map.of());
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.getHeader("Location")).isEqualTo("/console/login");
    assertThat(call(HttpMethod.GET, "/console", null, Map.of()).getHeader("Location")).isEqualTo("/console/");
    for (String path : new String[] {"/console/api/stream", "/console/api/session", "/console/api/dlq", "/console/api/gateway"}) {
      assertThat(call(HttpMethod.GET, path, null, Map.of()).statusCode()).as(path).isEqualTo(401);
    }
    // A bearer token is not a session: the console's API takes its cookie only.
    assertThat(call(HttpMethod.GET, "/console/api/session", null, Map.of("Authorization", "Bearer " + p.adminToken)).statusCode()).isEqualTo(401);
    var login = call(HttpMethod.GET, "/console/login", null, Map.of());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.getHeader("Content-Security-Policy")).contains("default-src 'none'").contains("frame-ancestors 'none'");
  }

  @Test
  void signInTakesAnAdminTokenOnly() {
    assertThat(signIn(new JsonObject()).statusCode()).isEqualTo(400);
    // A cross-site form can post text/plain shaped like JSON; only application/json is taken.
    assertThat(call(HttpMethod.POST, "/console/login", new JsonObject().put("token", p.adminToken).toBuffer(),
        Map.of("Content-Type", "text/plain")).statusCode()).isEqualTo(415);
    var forged = signIn(new JsonObject().put("token", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.getHeader("Set-Cookie")).isNull();
    var customer = signIn(new JsonObject().put("token", p.customerToken("c-console")));
    assertThat(customer.statusCode()).isEqualTo(403);
    assertThat(customer.bodyAsJsonObject().getString("detail")).contains("admin");
  }

  @Test
  void aSessionReadsFreelyChangesOnlyWithItsCsrfTokenAndEndsAtSignOut() {
    var signedIn = signIn(new JsonObject().put("token", p.adminToken));
    assertThat(signedIn.statusCode()).isEqualTo(204);
    String setCookie = signedIn.getHeader("Set-Cookie");
    assertThat(setCookie).startsWith("orderflow_console=").contains("HTTPOnly").contains("SameSite=Strict").contains("Path=/console");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    Map<String, String> session = Map.of("Cookie", cookie);
    // A forwarded "https" counts only from a trusted proxy (none here): over plain HTTP a Secure cookie would be lost.
    var forwarded = call(HttpMethod.POST, "/console/login", new JsonObject().put("token", p.adminToken).toBuffer(),
        Map.of("Content-Type", "application/json", "X-Forwarded-Proto", "https", "Cookie", "orderflow_console=nobody-had-this"));
    assertThat(forwarded.statusCode()).isEqualTo(204);
    assertThat(forwarded.getHeader("Set-Cookie")).doesNotContain("Secure");

    assertThat(call(HttpMethod.GET, "/console/", null, session).statusCode()).isEqualTo(200);
    JsonObject about = call(HttpMethod.GET, "/console/api/session", null, session).bodyAsJsonObject();
    assertThat(about.getString("subject")).isEqualTo("test-admin");
    assertThat(about.getBoolean("gatewayControls")).isTrue();
    String csrf = about.getString("csrf");

    Buffer down = new JsonObject().put("mode", "slow").toBuffer();
    assertThat(call(HttpMethod.POST, "/console/api/gateway", down, session).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/console/api/gateway", down, Map.of("Cookie", cookie, "X-CSRF-Token", "guess")).statusCode()).isEqualTo(403);
    var set = call(HttpMethod.POST, "/console/api/gateway", down, Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject().getString("mode")).isEqualTo("slow");
    var bad = call(HttpMethod.POST, "/console/api/gateway", new JsonObject().put("mode", "timeout-after-charge").toBuffer(),
        Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/console/api/gateway", new JsonObject().put("mode", "ok").toBuffer(),
        Map.of("Cookie", cookie, "X-CSRF-Token", csrf)).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.POST, "/console/api/dlq/999999/replay", null, session).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/console/api/dlq/999999/replay", null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf)).statusCode())
        .isEqualTo(404);

    assertThat(call(HttpMethod.POST, "/console/logout", null, session).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/console/logout", null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf)).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/console/api/session", null, session).statusCode()).isEqualTo(401);
    assertThat(call(HttpMethod.GET, "/console/", null, session).statusCode()).isEqualTo(302);
  }

  @Test
  void theStreamCarriesAnOrderFromPlacedToConfirmedWithinSeconds() throws Exception {
    String setCookie = signIn(new JsonObject().put("token", p.adminToken)).getHeader("Set-Cookie");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    p.call(HttpMethod.PUT, api, "/inventory/SKU-CONSOLE", new JsonObject().put("priceCents", 500).put("available", 10), Map.of());

    // The feed starts with the first console that watches: open the stream, then place the order.
    CompletableFuture<Void> watching = new CompletableFuture<>();
    CompletableFuture<JsonObject> confirmed = new CompletableFuture<>();
    var orderId = new java.util.concurrent.atomic.AtomicReference<String>();
    HttpClient client = p.clientVertx.createHttpClient();
    var request = client.request(new RequestOptions().setPort(mgmt).setHost("127.0.0.1").setURI("/console/api/stream")
        .putHeader("Cookie", cookie)).await(10, TimeUnit.SECONDS);
    var response = request.send().await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/event-stream");
    StringBuilder received = new StringBuilder();
    response.handler(chunk -> {
      received.append(chunk.toString());
      int end;
      while ((end = received.indexOf("\n\n")) >= 0) {
        String frame = received.substring(0, end);
        received.delete(0, end + 2);
        int data = frame.indexOf("data: ");
        if (data < 0) continue;
        JsonObject snapshot = new JsonObject(frame.substring(data + 6));
        watching.complete(null);
        for (Object o : snapshot.getJsonArray("latest")) {
          JsonObject order = (JsonObject) o;
          if (order.getString("orderId").equals(orderId.get()) && order.getString("status").equals("CONFIRMED")) confirmed.complete(snapshot);
        }
      }
    });
    watching.get(10, TimeUnit.SECONDS);
    var placed = p.place(api, Orders.order("c-console", "tok_visa", "SKU-CONSOLE", 1), null).await(30, TimeUnit.SECONDS);
    assertThat(placed.statusCode()).isEqualTo(202);
    orderId.set(placed.bodyAsJsonObject().getString("orderId"));
    JsonObject snapshot = confirmed.get(30, TimeUnit.SECONDS);
    assertThat(snapshot.getJsonObject("totals").getLong("confirmed")).isPositive();
    assertThat(snapshot.getJsonObject("latency").getInteger("count")).isPositive();
    assertThat(snapshot.getJsonArray("consumers")).isNotEmpty();
    assertThat(snapshot.getJsonObject("gateway").getString("mode")).isEqualTo("ok");
    client.close();

    var timeline = call(HttpMethod.GET, "/console/api/orders/" + orderId.get() + "/timeline", null, Map.of("Cookie", cookie));
    assertThat(timeline.statusCode()).isEqualTo(200);
    assertThat(timeline.bodyAsJsonObject().getJsonArray("steps")).isNotEmpty();
  }

  private static HttpResponse<Buffer> signIn(JsonObject body) {
    return call(HttpMethod.POST, "/console/login", body.toBuffer(), Map.of("Content-Type", "application/json"));
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, Buffer body, Map<String, String> headers) {
    var req = p.http.request(method, mgmt, "127.0.0.1", path).followRedirects(false).timeout(Duration.ofSeconds(20).toMillis());
    headers.forEach(req::putHeader);
    try {
      return (body == null ? req.send() : req.sendBuffer(body)).await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(method + " " + path + " did not answer", e);
    }
  }
}
