package io.orderflow.pspsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exercises the simulator over real HTTP, on a free port. */
@ExtendWith(VertxExtension.class)
class PspSimVerticleTest {

  private static final JsonObject VISA_2500_EUR =
      new JsonObject().put("amountCents", 2500).put("currency", "EUR").put("token", "tok_visa");

  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    PspSimVerticle psp = new PspSimVerticle(0, PspSimHttp.ADMIN_SECRET);
    await(vertx.deployVerticle(psp));
    client = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("localhost").setDefaultPort(psp.actualPort()));
  }

  @Test
  void aVisaTokenIsChargedWith201() throws Exception {
    HttpResponse<Buffer> response = charge("order-1", VISA_2500_EUR);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.getHeader(ChargeRoutes.IDEMPOTENT_REPLAYED)).isNull();
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("id")).matches("ch_[0-9a-f]{24}");
    assertThat(body.copy().put("id", "x")).isEqualTo(new JsonObject().put("id", "x").put("status", "succeeded")
        .put("amountCents", 2500).put("currency", "EUR").put("idempotencyKey", "order-1"));
  }

  @Test
  void aDeclinedCardIs402CardDeclined() throws Exception {
    HttpResponse<Buffer> response = charge("order-1", VISA_2500_EUR.copy().put("token", "tok_chargeDeclined"));

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("declined");
    assertThat(response.bodyAsJsonObject().getString("declineCode")).isEqualTo("card_declined");
    assertThat(response.bodyAsJsonObject().getString("id")).startsWith("ch_");
  }

  @Test
  void insufficientFundsIs402InsufficientFunds() throws Exception {
    HttpResponse<Buffer> response =
        charge("order-1", VISA_2500_EUR.copy().put("token", "tok_chargeDeclinedInsufficientFunds"));

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("declined");
    assertThat(response.bodyAsJsonObject().getString("declineCode")).isEqualTo("insufficient_funds");
  }

  @Test
  void aRepeatWithTheSameKeyReplaysTheFirstChargeAndChargesOnce() throws Exception {
    HttpResponse<Buffer> first = charge("order-1", VISA_2500_EUR);
    HttpResponse<Buffer> repeat = charge("order-1", VISA_2500_EUR.copy().put("description", "retry"));

    assertThat(repeat.statusCode()).isEqualTo(201);
    assertThat(repeat.getHeader(ChargeRoutes.IDEMPOTENT_REPLAYED)).isEqualTo("true");
    assertThat(repeat.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    JsonObject key = ledger().getJsonObject("keys").getJsonObject("order-1");
    assertThat(key.getInteger("requests")).isEqualTo(2);
    assertThat(key.getInteger("replays")).isEqualTo(1);
    assertThat(key.getJsonArray("charges")).hasSize(1);
  }

  @Test
  void aRepeatedDeclineIsReplayedAs402() throws Exception {
    JsonObject declined = VISA_2500_EUR.copy().put("token", "tok_chargeDeclined");
    HttpResponse<Buffer> first = charge("order-1", declined);
    HttpResponse<Buffer> repeat = charge("order-1", declined);

    assertThat(repeat.statusCode()).isEqualTo(402);
    assertThat(repeat.getHeader(ChargeRoutes.IDEMPOTENT_REPLAYED)).isEqualTo("true");
    assertThat(repeat.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
  }

  @Test
  void concurrentRequestsWithOneKeyChargeOnce() throws Exception {
    List<Future<HttpResponse<Buffer>>> sent = IntStream.range(0, 20)
        .mapToObj(i -> client.post("/v1/charges").putHeader("Idempotency-Key", "order-1").sendJsonObject(VISA_2500_EUR))
        .toList();
    List<HttpResponse<Buffer>> responses = await(Future.all(sent)).list();

    assertThat(responses).extracting(r -> r.bodyAsJsonObject().getString("id")).containsOnly(
        responses.getFirst().bodyAsJsonObject().getString("id"));
    assertThat(responses).filteredOn(r -> r.getHeader(ChargeRoutes.IDEMPOTENT_REPLAYED) == null).hasSize(1);
    JsonObject ledger = ledger();
    assertThat(ledger.getInteger("totalCharges")).isEqualTo(1);
    assertThat(ledger.getJsonObject("keys").getJsonObject("order-1").getInteger("requests")).isEqualTo(20);
    assertThat(ledger.getJsonObject("keys").getJsonObject("order-1").getInteger("replays")).isEqualTo(19);
  }

  @Test
  void theSameKeyWithDifferentParametersIs409AndChargesNothing() throws Exception {
    charge("order-1", VISA_2500_EUR);

    HttpResponse<Buffer> response = charge("order-1", VISA_2500_EUR.copy().put("amountCents", 9900));

    assertProblem(response, 409, "urn:orderflow:psp-sim:problem:idempotency-key-reused");
    assertThat(ledger().getInteger("totalAmountCents")).isEqualTo(2500);
  }

  @Test
  void aChargeWithoutIdempotencyKeyIs400Problem() throws Exception {
    HttpResponse<Buffer> response = await(client.post("/v1/charges").sendJsonObject(VISA_2500_EUR));

    assertProblem(response, 400, "urn:orderflow:psp-sim:problem:missing-idempotency-key");
    assertThat(ledger().getInteger("totalCharges")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[2500]",
      "",
      "{\"currency\":\"EUR\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":0,\"currency\":\"EUR\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":-5,\"currency\":\"EUR\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":25.5,\"currency\":\"EUR\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":\"2500\",\"currency\":\"EUR\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":2500,\"currency\":\"eur\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":2500,\"currency\":\"EURO\",\"token\":\"tok_visa\"}",
      "{\"amountCents\":2500,\"currency\":978,\"token\":\"tok_visa\"}",
      "{\"amountCents\":2500,\"currency\":\"EUR\",\"token\":\"tok_visa\",\"description\":42}",
  })
  void aMalformedBodyIs400ProblemAndChargesNothing(String body) throws Exception {
    HttpResponse<Buffer> response = await(client.post("/v1/charges")
        .putHeader("Idempotency-Key", "order-1").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)));

    assertProblem(response, 400, "urn:orderflow:psp-sim:problem:invalid-request");
    assertThat(ledger().getInteger("totalCharges")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"amountCents\":2500,\"currency\":\"EUR\"}",
      "{\"amountCents\":2500,\"currency\":\"EUR\",\"token\":\"\"}",
      "{\"amountCents\":2500,\"currency\":\"EUR\",\"token\":42}",
  })
  void aMissingOrMalformedTokenIs400InvalidPaymentToken(String body) throws Exception {
    HttpResponse<Buffer> response = await(client.post("/v1/charges")
        .putHeader("Idempotency-Key", "order-1").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)));

    assertProblem(response, 400, "urn:orderflow:psp-sim:problem:invalid-payment-token");
    assertThat(ledger().getInteger("totalCharges")).isZero();
  }

  @Test
  void anUnknownTokenIs400InvalidPaymentTokenNotADecline() throws Exception {
    HttpResponse<Buffer> response = charge("order-1", VISA_2500_EUR.copy().put("token", "tok_123_not_a_card"));

    assertProblem(response, 400, "urn:orderflow:psp-sim:problem:invalid-payment-token");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("unknown test token");
    assertThat(ledger().getInteger("totalCharges")).isZero();
  }

  @Test
  void theChargeForAKeyCanBeLookedUp() throws Exception {
    JsonObject succeeded = charge("order-1", VISA_2500_EUR).bodyAsJsonObject();
    JsonObject declined = charge("order-2", VISA_2500_EUR.copy().put("token", "tok_chargeDeclined")).bodyAsJsonObject();

    HttpResponse<Buffer> first = await(client.get("/v1/charges").addQueryParam("idempotencyKey", "order-1").send());
    HttpResponse<Buffer> second = await(client.get("/v1/charges").addQueryParam("idempotencyKey", "order-2").send());

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject()).isEqualTo(succeeded);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject()).isEqualTo(declined);
  }

  @Test
  void lookingUpAKeyWithoutChargeIs404Problem() throws Exception {
    HttpResponse<Buffer> response =
        await(client.get("/v1/charges").addQueryParam("idempotencyKey", "never-used").send());

    assertProblem(response, 404, "urn:orderflow:psp-sim:problem:no-charge");
  }

  @Test
  void theLedgerListsChargedKeysAndOnlyCountsDeclinedOnes() throws Exception {
    String chargeId = charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");
    charge("order-1", VISA_2500_EUR);
    charge("order-2", VISA_2500_EUR.copy().put("amountCents", 700).put("token", "tok_chargeDeclined"));

    assertThat(ledger()).isEqualTo(new JsonObject()
        .put("keys", new JsonObject()
            .put("order-1", new JsonObject().put("requests", 2).put("replays", 1)
                .put("charges", new JsonArray().add(new JsonObject()
                    .put("id", chargeId).put("amountCents", 2500).put("currency", "EUR").put("voided", false)))
                .put("declines", 0)
                .put("failedRequests", 0)))
        .put("declined", new JsonObject().put("keys", 1).put("requests", 1).put("replays", 0).put("failedRequests", 0))
        .put("totalCharges", 1)
        .put("totalAmountCents", 2500));
  }

  @Test
  void resettingTheLedgerForgetsChargesAndKeys() throws Exception {
    String firstId = charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> reset = await(client.delete("/admin/ledger").putHeader("Authorization", PspSimHttp.ADMIN_AUTHORIZATION).send());

    assertThat(reset.statusCode()).isEqualTo(204);
    assertThat(ledger()).isEqualTo(
        new JsonObject().put("keys", new JsonObject())
            .put("declined",
                new JsonObject().put("keys", 0).put("requests", 0).put("replays", 0).put("failedRequests", 0))
            .put("totalCharges", 0).put("totalAmountCents", 0));
    HttpResponse<Buffer> again = charge("order-1", VISA_2500_EUR.copy().put("amountCents", 100));
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getString("id")).isNotEqualTo(firstId);
  }

  @Test
  void healthIsUp() throws Exception {
    HttpResponse<Buffer> response = await(client.get("/health").send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
  }

  @Test
  void anUnknownPathIs404Problem() throws Exception {
    assertProblem(await(client.get("/v1/refunds").send()), 404, "about:blank");
  }

  @Test
  void aSecondInstanceOnTheSamePortFailsToDeploy() throws Exception {
    int taken = await(vertx.createHttpServer().requestHandler(req -> req.response().end()).listen(0)).actualPort();

    Future<String> deployment = PspSimVerticle.deploy(vertx, taken, PspSimHttp.ADMIN_SECRET);

    PspSimHttp.assertFailsWith(deployment, java.io.IOException.class); // the port is taken
  }

  private HttpResponse<Buffer> charge(String idempotencyKey, JsonObject body) throws Exception {
    return await(client.post("/v1/charges").putHeader("Idempotency-Key", idempotencyKey).sendJsonObject(body));
  }

  private JsonObject ledger() throws Exception {
    HttpResponse<Buffer> response = await(client.get("/admin/ledger").putHeader("Authorization", PspSimHttp.ADMIN_AUTHORIZATION).send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String type) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.fieldNames()).containsExactlyInAnyOrder("type", "title", "status", "detail");
    assertThat(problem.getString("type")).isEqualTo(type);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }

  /** Blocks the test thread (never an event loop) until the future completes. */
  private static <T> T await(Future<T> future) throws Exception {
    return future.await(5, TimeUnit.SECONDS);
  }
}
