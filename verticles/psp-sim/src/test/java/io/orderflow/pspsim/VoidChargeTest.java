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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/charges/{chargeId}/void} over real HTTP. */
@ExtendWith(VertxExtension.class)
class VoidChargeTest {

  private PspSimHttp psp;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    psp = PspSimHttp.deploy(vertx);
  }

  @Test
  void voidingAChargeAnswers200Voided() throws Exception {
    JsonObject charge = psp.charge("order-1", VISA_2500_EUR).bodyAsJsonObject();

    HttpResponse<Buffer> response = psp.voidCharge(charge.getString("id"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(charge.copy().put("status", "voided"));
  }

  @Test
  void aVoidedChargeStaysInTheLedgerMarkedVoidedAndLeavesTheTotals() throws Exception {
    String voided = psp.charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");
    psp.charge("order-2", VISA_2500_EUR.copy().put("amountCents", 700));

    psp.voidCharge(voided);

    JsonObject ledger = psp.ledger();
    assertThat(ledger.getJsonObject("keys").getJsonObject("order-1").getJsonArray("charges")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("id", voided).put("amountCents", 2500).put("currency", "EUR").put("voided", true)));
    assertThat(ledger.getJsonObject("keys").getJsonObject("order-2").getJsonArray("charges").getJsonObject(0)
        .getBoolean("voided")).isFalse();
    assertThat(ledger.getInteger("totalCharges")).isEqualTo(1);
    assertThat(ledger.getInteger("totalAmountCents")).isEqualTo(700);
  }

  @Test
  void voidingTwiceAnswersTheSameAndChangesNothing() throws Exception {
    String id = psp.charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");
    JsonObject first = psp.voidCharge(id).bodyAsJsonObject();

    HttpResponse<Buffer> again = psp.voidCharge(id);

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).isEqualTo(first);
    assertThat(psp.ledger().getInteger("totalCharges")).isZero();
  }

  @Test
  void aLookupShowsAVoidedChargeAsVoided() throws Exception {
    String id = psp.charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");
    psp.voidCharge(id);

    assertThat(psp.lookup("order-1").bodyAsJsonObject().getString("status")).isEqualTo("voided");
  }

  @Test
  void anUnknownChargeIs404Problem() throws Exception {
    assertProblem(psp.voidCharge("ch_unknown"), 404, "urn:orderflow:psp-sim:problem:unknown-charge");
  }

  @Test
  void aDeclinedChargeIs409Problem() throws Exception {
    String id = psp.charge("order-1", VISA_2500_EUR.copy().put("token", "tok_chargeDeclined"))
        .bodyAsJsonObject().getString("id");

    assertProblem(psp.voidCharge(id), 409, "urn:orderflow:psp-sim:problem:charge-not-voidable");
  }

  @Test
  void whileTheGatewayIsDownAVoidIs503AndVoidsNothing() throws Exception {
    String id = psp.charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");
    psp.setFaults(new JsonObject().put("mode", "down"));

    assertProblem(psp.voidCharge(id), 503, "urn:orderflow:psp-sim:problem:unavailable");
    assertThat(psp.ledger().getInteger("totalCharges")).isEqualTo(1);
  }

  @Test
  void timeoutAfterChargeVoidsButNeverAnswers() throws Exception {
    String id = psp.charge("order-1", VISA_2500_EUR).bodyAsJsonObject().getString("id");
    psp.setFaults(new JsonObject().put("mode", "timeout-after-charge"));

    Future<HttpResponse<Buffer>> unanswered = psp.client.post("/v1/charges/" + id + "/void").timeout(500).send();

    await().atMost(Duration.ofSeconds(5)).until(() -> psp.ledger().getInteger("totalCharges") == 0);
    assertFailsWith(unanswered, TimeoutException.class);
  }
}
