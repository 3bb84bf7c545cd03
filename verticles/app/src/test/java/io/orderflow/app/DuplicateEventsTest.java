package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Envelope;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Handlers are idempotent by their own state, not by the broker's dedupe window: an already handled
 * event published again under a new Nats-Msg-Id, or delivered again after a NAK, repeats no effect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuplicateEventsTest {
  Pipeline p;
  int api;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    api = p.host("all").publicPort();
    p.call(HttpMethod.PUT, api, "/inventory/SKU-1", new JsonObject().put("priceCents", 1250).put("available", 10), Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @Test
  void everyEventOfAPaidOrderPublishedAgainUnderANewMessageIdChangesNothing() throws Exception {
    String id = placeAndAwait("tok_visa", "CONFIRMED");
    await().atMost(Duration.ofSeconds(30)).until(() -> p.quiet() && p.smtp.messagesWritten() == 1);
    JsonArray events = p.get(api, "/orders/" + id + "/events").bodyAsJsonArray();
    assertThat(events).hasSize(6);
    int gatewayRequests = ledgerRequests(id);
    JsonObject stock = p.get(api, "/inventory/SKU-1").bodyAsJsonObject();
    int auditEntries = auditEntries(id);

    for (Object e : events) republish((JsonObject) e);
    await().atMost(Duration.ofSeconds(30)).until(p::quiet);

    assertThat(ledgerRequests(id)).as("no second gateway call").isEqualTo(gatewayRequests);
    assertThat(p.get(api, "/inventory/SKU-1").bodyAsJsonObject()).as("no second reservation or sale").isEqualTo(stock);
    assertThat(p.smtp.messagesWritten()).as("no second mail").isEqualTo(1);
    assertThat(auditEntries(id)).as("audited once").isEqualTo(auditEntries);
    assertThat(p.get(api, "/orders/" + id + "/events").bodyAsJsonArray()).hasSize(6);
    assertThat(p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status")).isEqualTo("CONFIRMED");
  }

  @Test
  void aMailThatFailedIsSentOnceAfterRedelivery() throws Exception {
    int port = p.smtp.port();
    p.smtp.close();
    String id = placeAndAwait("tok_chargeDeclined", "CANCELLED");
    // The notification handler fails while SMTP is down, so the event is NAK'd and delivered again.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        p.nc.jetStreamManagement().getConsumerInfo(Topology.ORDERS, Topology.NOTIFICATIONS_ENDED.durable()).getRedelivered() > 0);
    p.smtp = SmtpSink.start(port, p.mailDir);
    await().atMost(Duration.ofSeconds(30)).until(() -> p.quiet() && p.smtp.messagesWritten() == 1);
    assertThat(p.get(api, "/orders/" + id + "/events").bodyAsJsonArray().stream()
        .filter(e -> ((JsonObject) e).getString("type").equals("orderflow.notification.sent.v1"))).hasSize(1);
  }

  private String placeAndAwait(String token, String status) {
    var r = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-dup", token, "SKU-1", 2), Map.of());
    assertThat(r.statusCode()).isEqualTo(202);
    String id = r.bodyAsJsonObject().getString("orderId");
    await().atMost(Duration.ofSeconds(30)).until(() -> p.get(api, "/orders/" + id).bodyAsJsonObject().getString("status").equals(status));
    return id;
  }

  /** Publishes a stored event again, same CloudEvent, new Nats-Msg-Id: the broker cannot deduplicate it. */
  private void republish(JsonObject event) throws Exception {
    Envelope e = ((io.orderflow.codecs.Decoded.Ok) EventCodec.decode(event.toBuffer().getBytes())).envelope();
    Headers h = new Headers().put(JetStreamBridge.CONTENT_TYPE, Envelope.CONTENT_TYPE);
    p.nc.jetStream().publish(NatsMessage.builder().subject(e.natsSubject()).headers(h).data(EventCodec.encode(e)).build(),
        PublishOptions.builder().messageId("again-" + e.id()).build());
  }

  private int ledgerRequests(String id) {
    return p.get(p.pspPort, "/admin/ledger").bodyAsJsonObject().getJsonObject("keys").getJsonObject(id).getInteger("requests");
  }

  private int auditEntries(String id) {
    return p.get(api, "/audit/orders/" + id).bodyAsJsonObject().getJsonArray("entries").size();
  }
}
