package io.orderflow.pspsim;

import static io.orderflow.pspsim.PspSimHttp.VISA_2500_EUR;
import static io.orderflow.pspsim.PspSimHttp.assertFailsWith;
import static io.orderflow.pspsim.PspSimHttp.assertProblem;
import static io.orderflow.pspsim.PspSimHttp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code /admin/faults} modes, seen from a client of {@code /v1} over real HTTP. */
@ExtendWith(VertxExtension.class)
class FaultInjectionTest {

  private static final String UNAVAILABLE = "urn:orderflow:psp-sim:problem:unavailable";

  private PspSimHttp psp;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    psp = PspSimHttp.deploy(vertx);
  }

  @Test
  void downAnswers503WithRetryAfterAndChargesNothing() throws Exception {
    faults(new JsonObject().put("mode", "down"));

    HttpResponse<Buffer> response = psp.charge("order-1", VISA_2500_EUR);

    assertProblem(response, 503, UNAVAILABLE);
    assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    assertThat(psp.ledger().getInteger("totalCharges")).isZero();
    assertThat(psp.ledgerKey("order-1")).isEqualTo(new JsonObject().put("requests", 0).put("replays", 0)
        .put("charges", List.of()).put("declines", 0).put("failedRequests", 1));
  }

  @Test
  void downRefusesLookupsButAdminAndHealthStillAnswer() throws Exception {
    psp.charge("order-1", VISA_2500_EUR);
    faults(new JsonObject().put("mode", "down"));

    assertProblem(psp.lookup("order-1"), 503, UNAVAILABLE);
    assertThat(psp.ledger().getInteger("totalCharges")).isEqualTo(1);
    assertThat(await(psp.client.get("/health").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void slowChargesOnArrivalSoAClientThatTimedOutWasStillCharged() throws Exception {
    faults(new JsonObject().put("mode", "slow").put("latencyMs", 300));

    Future<HttpResponse<Buffer>> impatient = psp.sendCharge("order-1", VISA_2500_EUR, 100);

    assertFailsWith(impatient, TimeoutException.class);
    assertThat(psp.ledgerKey("order-1").getJsonArray("charges")).hasSize(1);
    HttpResponse<Buffer> lookup = psp.lookup("order-1");
    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(lookup.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
  }

  @Test
  void slowAnswersAfterTheLatency() throws Exception {
    faults(new JsonObject().put("mode", "slow").put("latencyMs", 300));

    long started = System.nanoTime();
    HttpResponse<Buffer> response = psp.charge("order-1", VISA_2500_EUR);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void flakyWithErrorRateOneRefusesEveryRequest() throws Exception {
    faults(new JsonObject().put("mode", "flaky").put("errorRate", 1.0));

    for (int i = 0; i < 5; i++) {
      assertProblem(psp.charge("order-1", VISA_2500_EUR), 503, UNAVAILABLE);
    }

    JsonObject key = psp.ledgerKey("order-1");
    assertThat(key.getInteger("failedRequests")).isEqualTo(5);
    assertThat(key.getInteger("requests")).isZero();
    assertThat(psp.ledger().getInteger("totalCharges")).isZero();
  }

  @Test
  void flakyWithErrorRateZeroRefusesNothing() throws Exception {
    faults(new JsonObject().put("mode", "flaky").put("errorRate", 0.0));

    assertThat(psp.charge("order-1", VISA_2500_EUR).statusCode()).isEqualTo(201);
    assertThat(psp.charge("order-1", VISA_2500_EUR).statusCode()).isEqualTo(201);

    JsonObject key = psp.ledgerKey("order-1");
    assertThat(key.getInteger("requests")).isEqualTo(2);
    assertThat(key.getInteger("replays")).isEqualTo(1);
    assertThat(key.getInteger("failedRequests")).isZero();
  }

  @Test
  void flakyRefusesTheRequestsItsSeedPicksAndRepeatsThemWhenSetAgain() throws Exception {
    JsonObject flaky = new JsonObject().put("mode", "flaky").put("errorRate", 0.5).put("seed", 7);
    Random random = new Random(7);
    List<Integer> expected = IntStream.range(0, 10).mapToObj(i -> random.nextDouble() < 0.5 ? 503 : 201).toList();

    faults(flaky);
    List<Integer> first = statuses("first-");
    faults(flaky);
    List<Integer> second = statuses("second-");

    assertThat(first).isEqualTo(expected).contains(503, 201);
    assertThat(second).isEqualTo(expected);
  }

  @Test
  void timeoutAfterChargeChargesButNeverAnswers() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge"));

    Future<HttpResponse<Buffer>> unanswered = psp.sendCharge("order-1", VISA_2500_EUR, 500);

    assertFailsWith(unanswered, TimeoutException.class);
    JsonObject key = psp.ledgerKey("order-1");
    assertThat(key.getInteger("requests")).isEqualTo(1);
    assertThat(key.getJsonArray("charges")).hasSize(1);
  }

  @Test
  void timeoutAfterChargeStillAnswersLookups() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge"));
    psp.sendCharge("order-1", VISA_2500_EUR, 500);
    await().atMost(Duration.ofSeconds(5)).until(() -> psp.ledgerKey("order-1") != null);

    HttpResponse<Buffer> lookup = psp.lookup("order-1");

    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(lookup.bodyAsJsonObject().getString("idempotencyKey")).isEqualTo("order-1");
  }

  @Test
  void aRetryWhileAnswersAreWithheldIsCountedAsAReplay() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge"));

    psp.sendCharge("order-1", VISA_2500_EUR, 0);
    psp.sendCharge("order-1", VISA_2500_EUR, 0);

    await().atMost(Duration.ofSeconds(5)).until(() -> {
      JsonObject key = psp.ledgerKey("order-1");
      return key != null && key.getInteger("requests") == 2;
    });
    assertThat(psp.ledgerKey("order-1").getInteger("replays")).isEqualTo(1);
    assertThat(psp.ledger().getInteger("totalCharges")).isEqualTo(1);
  }

  @Test
  void withheldRequestsAreLetGoWhenTheModeChanges() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge"));
    Future<HttpResponse<Buffer>> held = psp.sendCharge("order-1", VISA_2500_EUR, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> psp.ledgerKey("order-1") != null);

    faults(new JsonObject().put("mode", "ok"));

    assertFailsWith(held, HttpClosedException.class);
  }

  @Test
  void withheldRequestsAreLetGoOnReset() throws Exception {
    faults(new JsonObject().put("mode", "timeout-after-charge"));
    Future<HttpResponse<Buffer>> held = psp.sendCharge("order-1", VISA_2500_EUR, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> psp.ledgerKey("order-1") != null);

    assertThat(psp.resetLedger().statusCode()).isEqualTo(204);

    assertFailsWith(held, HttpClosedException.class);
  }

  @Test
  void withoutIdempotencyTwoRequestsWithOneKeyChargeTwice() throws Exception {
    faults(new JsonObject().put("mode", "ok").put("idempotency", false));

    HttpResponse<Buffer> first = psp.charge("order-1", VISA_2500_EUR);
    HttpResponse<Buffer> second = psp.charge("order-1", VISA_2500_EUR);

    assertThat(List.of(first.statusCode(), second.statusCode())).containsOnly(201);
    assertThat(second.getHeader(ChargeRoutes.IDEMPOTENT_REPLAYED)).isNull();
    String firstId = first.bodyAsJsonObject().getString("id");
    assertThat(second.bodyAsJsonObject().getString("id")).isNotEqualTo(firstId);
    JsonObject key = psp.ledgerKey("order-1");
    assertThat(key.getJsonArray("charges")).hasSize(2);
    assertThat(key.getInteger("requests")).isEqualTo(2);
    assertThat(key.getInteger("replays")).isZero();
    assertThat(psp.ledger().getInteger("totalAmountCents")).isEqualTo(5000);
    assertThat(psp.lookup("order-1").bodyAsJsonObject().getString("id")).isEqualTo(firstId);
  }

  @Test
  void withoutIdempotencyALookupStillAnswers404ForAnUnknownKey() throws Exception {
    faults(new JsonObject().put("mode", "ok").put("idempotency", false));

    assertProblem(psp.lookup("never-used"), 404, "urn:orderflow:psp-sim:problem:no-charge");
  }

  private void faults(JsonObject settings) throws Exception {
    assertThat(psp.setFaults(settings).statusCode()).isEqualTo(200);
  }

  /** Sends ten charges one after the other, each with its own key, and lists their status codes. */
  private List<Integer> statuses(String keyPrefix) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      statuses.add(psp.charge(keyPrefix + i, VISA_2500_EUR).statusCode());
    }
    return statuses;
  }
}
