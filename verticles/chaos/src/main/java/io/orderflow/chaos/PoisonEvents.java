package io.orderflow.chaos;

import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Undecodable, unknown-type and invalid events published straight onto the bus under load. Each must be
 * dead-lettered by the consumer it reached (once, terminated, not looping) while real orders flow past it.
 */
final class PoisonEvents {
  private PoisonEvents() {}

  /** One injected message and the consumer that must dead-letter it. */
  record Poison(String what, String stream, long seq, Topology.ConsumerSpec consumer) {}

  static void run(Run r) throws Exception {
    r.standardStart(Deployment.Spec.standard());
    String tag = Long.toString(System.currentTimeMillis(), 36);
    List<Poison> injected = new ArrayList<>();
    injected.add(inject(r, "undecodable order event", "orderflow.orders.placed.poison-a-" + tag,
        "{not json at all".getBytes(StandardCharsets.UTF_8), Topology.INVENTORY_ORDERS));
    injected.add(inject(r, "unknown event type", "orderflow.orders.placed.poison-b-" + tag,
        cloudEvent("orderflow.order.teleported.v1", "poison-b-" + tag, new JsonObject().put("orderId", "poison-b-" + tag)),
        Topology.INVENTORY_ORDERS));
    injected.add(inject(r, "invalid stock reservation", "orderflow.inventory.reserved.poison-c-" + tag,
        cloudEvent("orderflow.inventory.stock-reserved.v1", "poison-c-" + tag,
            new JsonObject().put("orderId", "poison-c-" + tag).put("lines", new JsonArray()).put("totalCents", -5).put("currency", "XXX")),
        Topology.PAYMENTS_RESERVED));
    injected.add(inject(r, "undecodable payment decision", "orderflow.payments.decided.poison-d-" + tag,
        new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}, Topology.ORDERS_PAYMENTS));
    r.expectedDeadLetters = injected.size();
    r.during(r.t.afterHeal());
    r.finish();

    List<Broker.DeadLetter> letters = r.broker.deadLetters();
    for (Poison p : injected) {
      long n = letters.stream().filter(l -> p.stream.equals(l.sourceStream()) && l.sourceSeq() == p.seq
          && p.consumer.durable().equals(l.consumer())).count();
      r.out.check(n == 1, p.what + " (" + p.stream + " #" + p.seq + "): " + n + " dead letters from " + p.consumer.durable() + " (expected exactly 1)");
    }
    List<Broker.DeadLetter> strays = letters.stream().filter(l -> injected.stream()
        .noneMatch(p -> p.stream.equals(l.sourceStream()) && p.seq == l.sourceSeq())).toList();
    r.out.check(strays.isEmpty(), strays.size() + " dead letters that are no injected poison, e.g. " + strays.stream().limit(2).toList());
    r.out.note(letters.size() + " dead letters for " + injected.size() + " poison messages: " + letters.stream()
        .map(l -> l.consumer() + "<-" + l.sourceStream() + "#" + l.sourceSeq()).toList());
  }

  static Poison inject(Run r, String what, String subject, byte[] body, Topology.ConsumerSpec consumer) throws Exception {
    Headers h = new Headers().add("Content-Type", "application/cloudevents+json").add("Nats-Msg-Id", "poison-" + subject);
    r.injectedIds.add(io.orderflow.codecs.Subjects.lastToken(subject));
    PublishAck ack = r.broker.publish(subject, h, body);
    r.poison.add(new Broker.Stored(ack.getStream(), ack.getSeqno()));
    return new Poison(what, ack.getStream(), ack.getSeqno(), consumer);
  }

  static byte[] cloudEvent(String type, String subject, JsonObject data) {
    return new JsonObject().put("specversion", "1.0").put("id", "poison-" + subject).put("source", "/orderflow/chaos")
        .put("type", type).put("subject", subject).put("time", Instant.now().toString())
        .put("datacontenttype", "application/json").put("data", data).encode().getBytes(StandardCharsets.UTF_8);
  }

}
