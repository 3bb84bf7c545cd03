package io.orderflow.orders.console;

import io.orderflow.runtime.Settings;
import io.orderflow.runtime.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;

/**
 * psp-sim's fault switch, for the console in development: read and set the mode (ok, down, slow, flaky) through
 * psp-sim's {@code /admin/faults} with its admin secret. On only where both {@code psp.url} and
 * {@code psp.admin-secret} are set, which a real gateway's deployment never has: there the console says so.
 */
final class GatewayControl {
  static final List<String> MODES = List.of("ok", "down", "slow", "flaky");

  private final WebClient client;
  private final URI faults;
  private final String secret;

  private GatewayControl(WebClient client, URI faults, String secret) {
    this.client = client;
    this.faults = faults;
    this.secret = secret;
  }

  static GatewayControl from(Vertx vertx, Settings settings) {
    String url = settings.string("psp.url", "");
    String secret = settings.string("psp.admin-secret", "");
    if (url.isBlank() || secret.isBlank()) return new GatewayControl(null, null, null);
    URI faults = URI.create(url.endsWith("/") ? url + "admin/faults" : url + "/admin/faults");
    // Short timeouts: the console asks every second and must show a gateway that hangs, not wait for it.
    return new GatewayControl(WebClient.create(vertx, new WebClientOptions().setConnectTimeout(1000).setIdleTimeout(10)),
        faults, secret);
  }

  boolean enabled() {
    return client != null;
  }

  Future<JsonObject> settings() {
    if (!enabled()) return Future.failedFuture(disabled().failure());
    return answer(client.getAbs(faults.toString()).bearerTokenAuthentication(secret).timeout(1500).send());
  }

  /** Switches psp-sim to {@code mode}; its other settings take their defaults. */
  Future<JsonObject> set(String mode) {
    if (!enabled()) return Future.failedFuture(disabled().failure());
    if (!MODES.contains(mode)) {
      return Future.failedFuture(Problem.badRequest("mode must be one of " + String.join(", ", MODES) + ", not '" + mode + "'").failure());
    }
    return answer(client.postAbs(faults.toString()).bearerTokenAuthentication(secret).timeout(3000)
        .sendJsonObject(new JsonObject().put("mode", mode)));
  }

  static Problem disabled() {
    return Problem.notFound("no psp-sim in this deployment: the console drives the gateway's faults only where psp.url and"
        + " psp.admin-secret are set (./orderflow run does)");
  }

  private static Future<JsonObject> answer(Future<HttpResponse<io.vertx.core.buffer.Buffer>> response) {
    return response.transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(Problem.of(502, "Bad Gateway", "psp-sim did not answer: " + ar.cause().getMessage()).failure());
      }
      var r = ar.result();
      if (r.statusCode() != 200) {
        return Future.failedFuture(Problem.of(502, "Bad Gateway", "psp-sim answered " + r.statusCode() + ": " + r.bodyAsString()).failure());
      }
      try {
        return Future.succeededFuture(r.bodyAsJsonObject());
      } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
        return Future.failedFuture(Problem.of(502, "Bad Gateway", "psp-sim answered 200 without a JSON object").failure());
      }
    });
  }
}
