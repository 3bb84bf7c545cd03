package io.orderflow.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Only an outage answers 503 with Retry-After; a bug answers 500 naming the trace, never an invitation to retry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HonestErrorsTest {
  Telemetry telemetry;
  Vertx vertx;
  HttpClient client;
  int port;

  @BeforeAll
  void start() throws Exception {
    telemetry = Telemetry.create(Settings.of(Map.of()));
    vertx = telemetry.vertx();
    PublicApi api = new PublicApi(vertx);
    int before = api.routeCount();
    api.router().get("/orders/bug").handler(ctx -> {
      throw new IllegalStateException("a bug, say a broken invariant");
    });
    api.router().get("/orders/npe").handler(ctx -> ctx.fail(new NullPointerException()));
    api.router().get("/orders/broker-down").handler(ctx -> ctx.fail(new JetStreamBridge.Unavailable("NATS connection is DISCONNECTED")));
    api.router().get("/orders/io").handler(ctx -> ctx.fail(new IOException("connection reset")));
    api.own(before, telemetry.service("orders"));
    port = api.listen(vertx, "127.0.0.1", 0).await(10, TimeUnit.SECONDS).actualPort();
    client = vertx.createHttpClient();
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBugIsA500WithTheTraceIdAndNoRetryAfter() throws Exception {
    for (String path : new String[] {"/orders/bug", "/orders/npe"}) {
      var r = get(path);
      assertThat(r.status).as(path).isEqualTo(500);
      assertThat(r.retryAfter).as(path).isNull();
      assertThat(r.contentType).isEqualTo(Problem.CONTENT_TYPE);
      assertThat(r.body.getString("detail")).as(path).matches("unexpected error; trace id [0-9a-f]{32}");
    }
  }

  @Test
  void anOutageIsA503WithRetryAfter() throws Exception {
    for (String path : new String[] {"/orders/broker-down", "/orders/io"}) {
      var r = get(path);
      assertThat(r.status).as(path).isEqualTo(503);
      assertThat(r.retryAfter).as(path).isEqualTo("1");
      assertThat(r.contentType).isEqualTo(Problem.CONTENT_TYPE);
    }
  }

  private record Answer(int status, String retryAfter, String contentType, JsonObject body) {}

  private Answer get(String path) throws Exception {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send())
        .compose((HttpClientResponse resp) -> resp.body().map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"),
            resp.getHeader("Content-Type"), b.toJsonObject())))
        .await(10, TimeUnit.SECONDS);
  }
}
