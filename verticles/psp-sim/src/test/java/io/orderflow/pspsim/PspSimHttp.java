package io.orderflow.pspsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** One psp-sim deployed on a free port, and the calls tests make to it. Blocks only the test thread. */
final class PspSimHttp {

  static final JsonObject VISA_2500_EUR =
      new JsonObject().put("amountCents", 2500).put("currency", "EUR").put("token", "tok_visa");

  /** The admin secret the psp-sim of these tests has; {@code /admin/*} calls present it. */
  static final String ADMIN_SECRET = "psp-sim-test-admin-secret";
  static final String ADMIN_AUTHORIZATION = "Bearer " + ADMIN_SECRET;

  final WebClient client;

  private PspSimHttp(WebClient client) {
    this.client = client;
  }

  static PspSimHttp deploy(Vertx vertx) throws Exception {
    PspSimVerticle psp = new PspSimVerticle(0, ADMIN_SECRET);
    await(vertx.deployVerticle(psp));
    return new PspSimHttp(WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("localhost").setDefaultPort(psp.actualPort())));
  }

  /** Sends a charge without waiting; the client gives up after {@code timeoutMs} (0: never). */
  Future<HttpResponse<Buffer>> sendCharge(String idempotencyKey, JsonObject body, long timeoutMs) {
    return client.post("/v1/charges").putHeader("Idempotency-Key", idempotencyKey).timeout(timeoutMs)
        .sendJsonObject(body);
  }

  HttpResponse<Buffer> charge(String idempotencyKey, JsonObject body) throws Exception {
    return await(sendCharge(idempotencyKey, body, 0));
  }

  HttpResponse<Buffer> lookup(String idempotencyKey) throws Exception {
    return await(client.get("/v1/charges").addQueryParam("idempotencyKey", idempotencyKey).send());
  }

  HttpResponse<Buffer> voidCharge(String chargeId) throws Exception {
    return await(client.post("/v1/charges/" + chargeId + "/void").send());
  }

  HttpResponse<Buffer> setFaults(JsonObject settings) throws Exception {
    return await(client.post("/admin/faults").putHeader("Authorization", ADMIN_AUTHORIZATION).sendJsonObject(settings));
  }

  JsonObject faults() throws Exception {
    HttpResponse<Buffer> response = await(client.get("/admin/faults").putHeader("Authorization", ADMIN_AUTHORIZATION).send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  HttpResponse<Buffer> resetLedger() throws Exception {
    return await(client.delete("/admin/ledger").putHeader("Authorization", ADMIN_AUTHORIZATION).send());
  }

  JsonObject ledger() throws Exception {
    HttpResponse<Buffer> response = await(client.get("/admin/ledger").putHeader("Authorization", ADMIN_AUTHORIZATION).send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** The ledger's entry for a key; {@code null} when the key left no trace there. */
  JsonObject ledgerKey(String idempotencyKey) throws Exception {
    return ledger().getJsonObject("keys").getJsonObject(idempotencyKey);
  }

  static void assertProblem(HttpResponse<Buffer> response, int status, String type) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.fieldNames()).containsExactlyInAnyOrder("type", "title", "status", "detail");
    assertThat(problem.getString("type")).isEqualTo(type);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }

  /**
   * Waits until the future has failed with a cause of the given type. (AssertJ's {@code failsWithin} alone
   * also passes for a future that merely never completes.)
   */
  static void assertFailsWith(Future<?> future, Class<? extends Throwable> cause) {
    assertThat(future.toCompletionStage().toCompletableFuture()).failsWithin(5, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(cause);
  }

  /** Blocks the test thread (never an event loop) until the future completes. */
  static <T> T await(Future<T> future) throws Exception {
    return future.await(5, TimeUnit.SECONDS);
  }
}
