package io.orderflow.pspsim;

import static io.orderflow.pspsim.PspSimHttp.VISA_2500_EUR;
import static io.orderflow.pspsim.PspSimHttp.assertProblem;
import static io.orderflow.pspsim.PspSimHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET} and {@code POST /admin/faults}: the settings' shape, defaults and validation. */
@ExtendWith(VertxExtension.class)
class AdminFaultsTest {

  private static final JsonObject DEFAULTS = new JsonObject().put("mode", "ok").put("latencyMs", 2000)
      .put("errorRate", 0.3).put("seed", 42).put("idempotency", true);

  private PspSimHttp psp;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    psp = PspSimHttp.deploy(vertx);
  }

  @Test
  void faultsDefaultToOk() throws Exception {
    assertThat(psp.faults()).isEqualTo(DEFAULTS);
  }

  @Test
  void settingsLeftOutAreShownWithTheirDefaults() throws Exception {
    JsonObject expected = DEFAULTS.copy().put("mode", "slow");

    HttpResponse<Buffer> response = psp.setFaults(new JsonObject().put("mode", "slow"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(expected);
    assertThat(psp.faults()).isEqualTo(expected);
  }

  @Test
  void everySettingIsShownAsSet() throws Exception {
    JsonObject settings = new JsonObject().put("mode", "flaky").put("latencyMs", 10).put("errorRate", 0.25)
        .put("seed", 9).put("idempotency", false);

    assertThat(psp.setFaults(settings).statusCode()).isEqualTo(200);

    assertThat(psp.faults()).isEqualTo(settings);
  }

  @Test
  void aNewSettingReplacesTheWholePreviousOne() throws Exception {
    psp.setFaults(new JsonObject().put("mode", "slow").put("latencyMs", 10).put("idempotency", false));

    psp.setFaults(new JsonObject().put("mode", "down"));

    assertThat(psp.faults()).isEqualTo(DEFAULTS.copy().put("mode", "down"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                              | body",
      "not json                                        | body",
      "[\"down\"]                                      | body",
      "{}                                              | mode",
      "{\"mode\":\"broken\"}                           | mode",
      "{\"mode\":5}                                    | mode",
      "{\"mode\":\"slow\",\"latencyMs\":-1}            | latencyMs",
      "{\"mode\":\"slow\",\"latencyMs\":1.5}           | latencyMs",
      "{\"mode\":\"slow\",\"latencyMs\":\"300\"}       | latencyMs",
      "{\"mode\":\"slow\",\"latencyMs\":3600001}       | latencyMs",
      "{\"mode\":\"flaky\",\"errorRate\":1.5}          | errorRate",
      "{\"mode\":\"flaky\",\"errorRate\":-0.1}         | errorRate",
      "{\"mode\":\"flaky\",\"errorRate\":\"0.3\"}      | errorRate",
      "{\"mode\":\"flaky\",\"seed\":1.5}               | seed",
      "{\"mode\":\"flaky\",\"seed\":\"42\"}            | seed",
      "{\"mode\":\"ok\",\"idempotency\":\"false\"}     | idempotency",
      "{\"mode\":\"slow\",\"latency\":300}             | latency",
  })
  void anInvalidSettingIs400ProblemNamingTheFieldAndChangesNothing(String body, String field) throws Exception {
    psp.setFaults(new JsonObject().put("mode", "slow").put("latencyMs", 10));

    HttpResponse<Buffer> response = await(psp.client.post("/admin/faults")
        .putHeader("Authorization", PspSimHttp.ADMIN_AUTHORIZATION).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));

    assertProblem(response, 400, "urn:orderflow:psp-sim:problem:invalid-request");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(field);
    assertThat(psp.faults()).isEqualTo(DEFAULTS.copy().put("mode", "slow").put("latencyMs", 10));
  }

  @Test
  void resettingTheLedgerClearsTheFaults() throws Exception {
    psp.setFaults(new JsonObject().put("mode", "down").put("idempotency", false));

    assertThat(psp.resetLedger().statusCode()).isEqualTo(204);

    assertThat(psp.faults()).isEqualTo(DEFAULTS);
    assertThat(psp.charge("order-1", VISA_2500_EUR).statusCode()).isEqualTo(201);
  }
}
