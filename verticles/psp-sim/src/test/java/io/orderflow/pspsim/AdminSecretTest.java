package io.orderflow.pspsim;

import static io.orderflow.pspsim.PspSimHttp.VISA_2500_EUR;
import static io.orderflow.pspsim.PspSimHttp.assertProblem;
import static io.orderflow.pspsim.PspSimHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** psp-sim's {@code /admin/*} answer only to its admin secret; the gateway API {@code /v1} needs none. */
@ExtendWith(VertxExtension.class)
class AdminSecretTest {

  @Test
  void adminCallsWithoutOrWithAWrongSecretAre401AndChangeNothing(Vertx vertx) throws Exception {
    PspSimHttp psp = PspSimHttp.deploy(vertx);
    psp.charge("order-1", VISA_2500_EUR);

    for (String authorization : new String[] {null, "Bearer wrong-secret", "Bearer " + PspSimHttp.ADMIN_SECRET + "x", PspSimHttp.ADMIN_SECRET}) {
      var get = psp.client.get("/admin/ledger");
      var post = psp.client.post("/admin/faults");
      var delete = psp.client.delete("/admin/ledger");
      if (authorization != null) {
        get.putHeader("Authorization", authorization);
        post.putHeader("Authorization", authorization);
        delete.putHeader("Authorization", authorization);
      }
      var read = await(get.send());
      assertProblem(read, 401, "urn:orderflow:psp-sim:problem:admin-unauthorized");
      assertThat(read.getHeader("WWW-Authenticate")).startsWith("Bearer");
      assertProblem(await(post.sendJsonObject(new JsonObject().put("mode", "down"))), 401, "urn:orderflow:psp-sim:problem:admin-unauthorized");
      assertProblem(await(delete.send()), 401, "urn:orderflow:psp-sim:problem:admin-unauthorized");
    }

    assertThat(psp.faults().getString("mode")).isEqualTo("ok");
    assertThat(psp.ledger().getInteger("totalCharges")).isEqualTo(1);
  }

  @Test
  void withoutAConfiguredSecretTheAdminApiIsOffAndTheGatewayWorks(Vertx vertx) throws Exception {
    PspSimVerticle psp = new PspSimVerticle(0, null);
    await(vertx.deployVerticle(psp));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(psp.actualPort()));

    var admin = await(client.get("/admin/ledger").putHeader("Authorization", "Bearer anything").send());
    assertProblem(admin, 403, "urn:orderflow:psp-sim:problem:admin-disabled");
    assertThat(admin.bodyAsJsonObject().getString("detail")).contains("ORDERFLOW_PSP_ADMIN_SECRET");

    var charge = await(client.post("/v1/charges").putHeader("Idempotency-Key", "k-1").sendJsonObject(VISA_2500_EUR));
    assertThat(charge.statusCode()).isEqualTo(201);
  }
}
