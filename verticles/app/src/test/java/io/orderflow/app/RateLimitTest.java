package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A client past its rate gets 429 with Retry-After; others are not held back by it; admins are not limited. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {
  Pipeline p;
  int api;

  @BeforeAll
  void start() throws Exception {
    // One token back every 100 s: nothing refills while a test runs, however slow the machine.
    p = new Pipeline().with("ORDERFLOW_HTTP_RATE_LIMIT_PER_SECOND", "0.01").with("ORDERFLOW_HTTP_RATE_LIMIT_BURST", "5")
        .with("ORDERFLOW_HTTP_RATE_LIMIT_ANONYMOUS_PER_SECOND", "0.01").with("ORDERFLOW_HTTP_RATE_LIMIT_ANONYMOUS_BURST", "3")
        // As behind an ingress on this host: its X-Forwarded-For names the client.
        .with("ORDERFLOW_HTTP_TRUSTED_PROXIES", "127.0.0.1");
    api = p.host("orders,inventory").publicPort();
    p.call(HttpMethod.PUT, api, "/inventory/SKU-R", new JsonObject().put("priceCents", 100).put("available", 10), Map.of());
    // Every customer below is verified once before any test floods the address: the tests do not depend on their order.
    for (String c : List.of("c-greedy", "c-patient", "c-known")) assertThat(get(c).statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @Test
  void aCustomerPastItsBurstWaitsAndTheOthersDoNot() {
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 7; i++) {
      last = get("c-greedy");
      statuses.add(last.statusCode());
    }
    // A burst of 5, one of them spent in start().
    assertThat(statuses.subList(0, 4)).containsOnly(200);
    assertThat(statuses.subList(4, 7)).containsOnly(429);
    assertThat(Integer.parseInt(last.getHeader("Retry-After"))).isBetween(1, 100);
    assertThat(last.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(get("c-patient").statusCode()).isEqualTo(200);
    for (int i = 0; i < 10; i++) assertThat(p.call(HttpMethod.GET, api, "/inventory/SKU-R", null, Map.of()).statusCode()).as("admin").isEqualTo(200);
  }

  @Test
  void refusedAnonymousRequestsAreCutOffBeforeTheirTokensAreChecked() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(p.call(HttpMethod.GET, api, "/inventory/SKU-R", null, Map.of("Authorization", "Bearer forged." + i + ".x")).statusCode());
    }
    assertThat(statuses.subList(0, 3)).containsOnly(401);
    assertThat(statuses.subList(3, 6)).containsOnly(429);
    // A caller whose token was verified before is counted by its subject, not held back by the address's refusals.
    assertThat(get("c-known").statusCode()).isEqualTo(200);
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnAnonymousBudget() {
    List<Integer> first = new ArrayList<>();
    for (int i = 0; i < 5; i++) first.add(anonymousVia("198.51.100.1", i));
    assertThat(first.subList(0, 3)).containsOnly(401);
    assertThat(first.subList(3, 5)).containsOnly(429);
    // Another client behind the same proxy is not held back; a left-most address a client wrote is not believed.
    assertThat(anonymousVia("198.51.100.2", 0)).isEqualTo(401);
    assertThat(anonymousVia("203.0.113.50, 198.51.100.1", 9)).as("still 198.51.100.1").isEqualTo(429);
  }

  private int anonymousVia(String forwardedFor, int i) {
    return p.call(HttpMethod.GET, api, "/inventory/SKU-R", null,
        Map.of("Authorization", "Bearer forged." + i + ".y", "X-Forwarded-For", forwardedFor)).statusCode();
  }

  private HttpResponse<Buffer> get(String customer) {
    return p.call(HttpMethod.GET, api, "/inventory/SKU-R", null, Map.of("Authorization", "Bearer " + p.customerToken(customer)));
  }
}
