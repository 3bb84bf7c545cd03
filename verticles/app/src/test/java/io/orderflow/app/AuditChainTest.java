package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.PublishOptions;
import io.orderflow.codecs.Subjects;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit chain is tamper-evident: a forged block is found and named by its stream sequence. */
class AuditChainTest {
  @Test
  void aForgedEntryIsReportedAsTheFirstBadSequence() throws Exception {
    try (Pipeline p = new Pipeline()) {
      int api = p.host("all").publicPort();
      p.call(HttpMethod.PUT, api, "/inventory/SKU-1", new JsonObject().put("priceCents", 100).put("available", 5), Map.of());
      var r = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-a", "tok_visa", "SKU-1", 1), Map.of());
      String id = r.bodyAsJsonObject().getString("orderId");
      await().atMost(Duration.ofSeconds(30)).until(() -> p.quiet()
          && p.get(api, "/audit/orders/" + id).statusCode() == 200
          && p.get(api, "/audit/orders/" + id).bodyAsJsonObject().getJsonArray("entries").size() == 6);
      assertThat(p.get(api, "/audit/verify").statusCode()).isEqualTo(200);
      var full = p.get(api, "/audit/verify?full=true");
      assertThat(full.statusCode()).isEqualTo(200);
      assertThat(full.bodyAsJsonObject().getLong("fromSequence")).as("from the first block, not a checkpoint").isEqualTo(1);
      assertThat(full.bodyAsJsonObject().getLong("entriesChecked")).isGreaterThanOrEqualTo(6);

      // A block that claims to continue the chain but whose entry hash was not computed from its content.
      JsonObject honest = new JsonObject(io.vertx.core.buffer.Buffer.buffer(
          p.nc.jetStreamManagement().getLastMessage("AUDIT", Subjects.AUDIT_BLOCKS).getData()));
      long next = honest.getLong("firstIndex") + honest.getJsonArray("entries").size();
      JsonObject forged = new JsonObject().put("firstIndex", next).put("previousHash", honest.getString("hash"))
          .put("entries", new JsonArray().add(new JsonObject().put("index", next).put("eventId", "forged").put("subject", id)
              .put("event", "{\"specversion\":\"1.0\",\"id\":\"forged\"}").put("hash", honest.getString("hash"))))
          .put("hash", honest.getString("hash"));
      long forgedSeq = p.nc.jetStream().publish(Subjects.AUDIT_BLOCKS, forged.toBuffer().getBytes(), PublishOptions.builder().build()).getSeqno();

      var verify = p.get(api, "/audit/verify");
      assertThat(verify.statusCode()).isEqualTo(409);
      assertThat(verify.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(verify.bodyAsJsonObject().getLong("badSequence")).isEqualTo(forgedSeq);
      assertThat(p.get(api, "/audit/verify?full=true").bodyAsJsonObject().getLong("badSequence")).isEqualTo(forgedSeq);

      // The log cannot be cleaned up behind the auditor's back.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.nc.jetStreamManagement().deleteMessage("AUDIT", forgedSeq))
          .isInstanceOf(io.nats.client.JetStreamApiException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.nc.jetStreamManagement().purgeStream("AUDIT"))
          .isInstanceOf(io.nats.client.JetStreamApiException.class);
    }
  }
}
