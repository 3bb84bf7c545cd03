package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A process whose services have NATS credentials but no ops password says its admin API is off, at once. */
class OpsIdentityOffTest {
  @Test
  void withoutTheOpsPasswordTheAdminApiAnswers501NamingTheSetting() throws Exception {
    try (Pipeline p = new Pipeline()) {
      int mgmt = p.with("ORDERFLOW_NATS_OPS_PASSWORD", "").host("orders").managementPort();
      for (var r : java.util.List.of(p.get(mgmt, "/admin/dlq"), p.call(HttpMethod.POST, mgmt, "/admin/dlq/1/replay", null, Map.of()),
          p.call(HttpMethod.DELETE, mgmt, "/admin/customers/c-1/contact", null, Map.of()))) {
        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(r.bodyAsJsonObject().getString("detail")).contains("ORDERFLOW_NATS_OPS_PASSWORD");
      }
      // Still an admin's: anonymous callers are refused before that.
      assertThat(p.call(HttpMethod.GET, mgmt, "/admin/dlq", null, Map.of("Authorization", "")).statusCode()).isEqualTo(401);
    }
  }
}
