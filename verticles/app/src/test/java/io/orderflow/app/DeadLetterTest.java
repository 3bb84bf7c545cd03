package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Dead letters, end to end: a message no consumer can process lands in the DLQ with its headers, the order
 * it belongs to still ends (CANCELLED / PROCESSING_FAILED, stock released), and the management port lists,
 * shows, replays and deletes dead letters. Payments does not run here, so an order stays PENDING (its stock
 * reserved) until something else ends it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  Pipeline p;
  int api;
  int mgmt;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    var host = p.host("orders,inventory,notifications,audit");
    api = host.publicPort();
    mgmt = host.managementPort();
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @Test
  void aPoisonEventEndsItsOrderCancelledWithItsStockReleased() throws Exception {
    stock("SKU-POISON", 10);
    String id = placePending("c-poison", "SKU-POISON", 3);
    String subject = Subjects.PAYMENTS + "." + id;

    long poisonSeq = publish(subject, "{\"specversion\":\"1.0\",\"id\":".getBytes(StandardCharsets.UTF_8), Map.of("X-Test", "poison"));

    JsonObject letter = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject);
    assertThat(letter.getString("stream")).isEqualTo(Topology.PAYMENTS);
    assertThat(letter.getLong("streamSequence")).isEqualTo(poisonSeq);
    assertThat(letter.getLong("deliveries")).as("undecodable: dead-lettered at once").isEqualTo(1);
    assertThat(letter.getString("error")).startsWith("MALFORMED");
    assertThat(Instant.parse(letter.getString("time"))).isBefore(Instant.now().plusSeconds(1));
    assertThat(letter.containsKey("eventId")).isFalse();

    await().atMost(PATIENCE).until(() -> order(id).getString("status").equals("CANCELLED"));
    assertThat(order(id).getString("reason")).isEqualTo("PROCESSING_FAILED");
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(stockOf("SKU-POISON").getMap())
        .as("the reservation is released").containsEntry("available", 10).containsEntry("reserved", 0).containsEntry("sold", 0));
    var cancellations = events(id, "orderflow.order.cancelled.v1");
    assertThat(cancellations).hasSize(1);
    assertThat(cancellations.get(0).getJsonObject("data").getString("detail")).startsWith("orders-payments: MALFORMED");
    // Audit failed the same poison: its dead letter is listed too, and cancels nothing a second time.
    awaitDeadLetter(Topology.AUDIT_PAYMENTS.durable(), subject);
  }

  @Test
  void aForgedOrderConfirmedOnThePaymentsSubjectConfirmsNothingAndIsDeadLetteredWithTheReason() throws Exception {
    stock("SKU-FORGED", 10);
    String id = placePending("c-forged", "SKU-FORGED", 2);
    String subject = Subjects.PAYMENTS + "." + id;
    // A valid OrderConfirmed, body and all, on a subject only payments may publish on (as if payments' identity
    // were stolen, or NATS permissions were off): its type belongs to orders' ended subject.
    var forged = io.orderflow.codecs.Envelope.of(new io.orderflow.codecs.Event.OrderConfirmed(id, "c-forged", 2_500, "EUR",
        io.orderflow.runtime.TestHandOffs.REQUEST), Instant.now(), null, null);
    publish(subject, io.orderflow.codecs.EventCodec.encode(forged), Map.of());

    JsonObject letter = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject);
    assertThat(letter.getString("error")).startsWith("WRONG_SUBJECT: orderflow.order.confirmed.v1 is published by orders on "
        + Subjects.ORDERS_ENDED + "." + id);
    assertThat(letter.getLong("deliveries")).as("refused at once").isEqualTo(1);
    // Refused, never handled: the order is not confirmed; the saga consumer's dead letter ends it as any poison does.
    await().atMost(PATIENCE).until(() -> order(id).getString("status").equals("CANCELLED"));
    assertThat(order(id).getString("reason")).isEqualTo("PROCESSING_FAILED");
    assertThat(events(id, "orderflow.order.confirmed.v1")).isEmpty();
  }

  @Test
  void aReplayLetsNoForgedEventInAndTrustsNoHeaderTheStoredSubjectDoesNotVouchFor() throws Exception {
    stock("SKU-REPLAY-FORGED", 10);
    String id = placePending("c-replay-forged", "SKU-REPLAY-FORGED", 1);
    String subject = Subjects.PAYMENTS + "." + id;
    var forged = io.orderflow.codecs.Envelope.of(new io.orderflow.codecs.Event.OrderConfirmed(id, "c-replay-forged", 1_250, "EUR",
        io.orderflow.runtime.TestHandOffs.REQUEST), Instant.now(), null, null);
    publish(subject, io.orderflow.codecs.EventCodec.encode(forged), Map.of());
    long refusedLive = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject).getLong("sequence");

    var again = p.call(HttpMethod.POST, mgmt, "/admin/dlq/" + refusedLive + "/replay", null, Map.of());
    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(again.bodyAsJsonObject().getString("detail")).contains("is published by orders on " + Subjects.ORDERS_ENDED);

    // A dead letter stored by another consumer's service, claiming orders-payments in its headers.
    var authorized = io.orderflow.codecs.Envelope.of(new io.orderflow.codecs.Event.PaymentAuthorized(id, "ch_forged", 1_250, "EUR"),
        Instant.now(), null, null);
    Headers h = new Headers().put(DeadLetters.CONSUMER, Topology.ORDERS_PAYMENTS.durable()).put(DeadLetters.ERROR, "boom")
        .put(DeadLetters.SUBJECT, subject).put(DeadLetters.STREAM, Topology.PAYMENTS).put(DeadLetters.STREAM_SEQ, "1")
        .put(DeadLetters.DELIVERIES, "10").put(DeadLetters.TIME, Instant.now().toString());
    long planted = p.nc.jetStream().publish(NatsMessage.builder().subject(Subjects.DLQ + "." + Topology.NOTIFICATIONS_ENDED.durable())
        .headers(h).data(io.orderflow.codecs.EventCodec.encode(authorized)).build()).getSeqno();
    var planting = p.call(HttpMethod.POST, mgmt, "/admin/dlq/" + planted + "/replay", null, Map.of());
    assertThat(planting.statusCode()).isEqualTo(422);
    assertThat(planting.bodyAsJsonObject().getString("detail")).contains("claims consumer orders-payments but was stored on "
        + Subjects.DLQ + "." + Topology.NOTIFICATIONS_ENDED.durable());
    assertThat(events(id, "orderflow.payment.authorized.v1")).isEmpty();
  }

  @Test
  void anEventClaimingAnotherSourceIsDeadLetteredAsInvalid() throws Exception {
    String order = io.orderflow.codecs.Ids.newOrderId();
    String subject = Subjects.PAYMENTS + "." + order;
    var authorized = io.orderflow.codecs.Envelope.of(new io.orderflow.codecs.Event.PaymentAuthorized(order, "ch_1", 2_500, "EUR"),
        Instant.now(), null, null);
    String json = new String(io.orderflow.codecs.EventCodec.encode(authorized), StandardCharsets.UTF_8)
        .replace("\"source\":\"/orderflow/payments\"", "\"source\":\"/orderflow/orders\"");
    assertThat(json).contains("/orderflow/orders");
    publish(subject, json.getBytes(StandardCharsets.UTF_8), Map.of());

    JsonObject letter = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject);
    assertThat(letter.getString("error")).startsWith("INVALID").contains("comes from /orderflow/payments, not from /orderflow/orders");
  }

  @Test
  void aDeadLetterShowsItsPayloadAndHeaders() throws Exception {
    String subject = Subjects.PAYMENTS + "." + UUID.randomUUID();
    String payload = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"type\":\"orderflow.payment.refunded.v9\"}";
    long seq = publish(subject, payload.getBytes(StandardCharsets.UTF_8), Map.of("X-Test", "shown", JetStreamBridge.TRACEPARENT, TRACEPARENT));
    JsonObject entry = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject);

    var r = p.get(mgmt, "/admin/dlq/" + entry.getLong("sequence"));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject letter = r.bodyAsJsonObject();
    assertThat(letter.getString("payload")).isEqualTo(payload);
    assertThat(letter.getString("eventId")).as("an unknown type still names its id").isEqualTo("e-1");
    assertThat(letter.getString("eventType")).isEqualTo("orderflow.payment.refunded.v9");
    assertThat(letter.getString("error")).startsWith("UNKNOWN_TYPE");
    JsonObject headers = letter.getJsonObject("headers");
    assertThat(headers.getJsonArray("X-Test")).containsExactly("shown");
    assertThat(headers.getJsonArray(JetStreamBridge.TRACEPARENT)).containsExactly(TRACEPARENT);
    assertThat(headers.getJsonArray(DeadLetters.CONSUMER)).containsExactly(Topology.ORDERS_PAYMENTS.durable());
    assertThat(headers.getJsonArray(DeadLetters.STREAM)).containsExactly(Topology.PAYMENTS);
    assertThat(headers.getJsonArray(DeadLetters.STREAM_SEQ)).containsExactly(String.valueOf(seq));
    assertThat(headers.getJsonArray(DeadLetters.SUBJECT)).containsExactly(subject);
    assertThat(headers.getJsonArray(DeadLetters.DELIVERIES)).containsExactly("1");
    assertThat(headers.fieldNames()).contains(DeadLetters.ERROR, DeadLetters.TIME);
  }

  @Test
  void deadLettersAreListedNewestFirstInPages() throws Exception {
    for (int i = 0; i < 3; i++) publish(Subjects.PAYMENTS + "." + UUID.randomUUID(), ("not json " + i).getBytes(StandardCharsets.UTF_8), Map.of());
    await().atMost(PATIENCE).until(() -> deadLetters(1000).size() >= 3);

    var first = p.get(mgmt, "/admin/dlq?limit=2");
    assertThat(first.statusCode()).isEqualTo(200);
    List<Long> page = sequences(first.bodyAsJsonArray());
    assertThat(page).hasSize(2);
    assertThat(page.get(0)).isGreaterThan(page.get(1));
    String next = first.getHeader("Link");
    assertThat(next).isEqualTo("</admin/dlq?limit=2&before=" + page.get(1) + ">; rel=\"next\"");
    List<Long> second = sequences(p.get(mgmt, "/admin/dlq?limit=2&before=" + page.get(1)).bodyAsJsonArray());
    assertThat(second).isNotEmpty();
    assertThat(second.get(0)).isLessThan(page.get(1));
    assertThat(p.get(mgmt, "/admin/dlq?limit=0").statusCode()).isEqualTo(400);
  }

  @Test
  void aReplayedDeadLetterReachesOnlyTheConsumerThatFailedIt() throws Exception {
    // A payment decision for an order that orders does not know yet: orders-payments retries it, then
    // dead-letters it. (Its order id is the one an Idempotency-Key stands for, so the order can follow.)
    String customer = "c-replay";
    String id = Ids.orderIdForIdempotencyKey(customer, "replay-1");
    Envelope declined = Envelope.of(new Event.PaymentDeclined(id, "card_declined", 2500, "EUR"), Instant.now(), TRACEPARENT, null);
    publish(declined.natsSubject(), EventCodec.encode(declined),
        Map.of(JetStreamBridge.CONTENT_TYPE, Envelope.CONTENT_TYPE, JetStreamBridge.TRACEPARENT, TRACEPARENT));
    JsonObject letter = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), declined.natsSubject());
    assertThat(letter.getString("eventId")).isEqualTo(declined.id());
    assertThat(letter.getString("eventType")).isEqualTo("orderflow.payment.declined.v1");
    assertThat(letter.getLong("deliveries")).as("retried before it was dead-lettered").isGreaterThan(1);
    awaitSettled(Topology.ORDERS_DLQ);
    // The cause is fixed: the order exists now (PENDING, no payments service here).
    stock("SKU-REPLAY", 5);
    var placed = p.call(HttpMethod.POST, api, "/orders", Orders.order(customer, "tok_visa", "SKU-REPLAY", 2), Map.of("Idempotency-Key", "replay-1"));
    assertThat(placed.bodyAsJsonObject().getString("orderId")).isEqualTo(id);
    await().atMost(PATIENCE).until(() -> stockOf("SKU-REPLAY").getInteger("reserved") == 2);
    Map<String, Long> eventStreams = messageCounts();
    Map<String, Long> replayConsumersBefore = replayDeliveries();

    var r = p.call(HttpMethod.POST, mgmt, "/admin/dlq/" + letter.getLong("sequence") + "/replay", null, Map.of());

    assertThat(r.statusCode()).isEqualTo(202);
    String replaySubject = Topology.replaySubject(Topology.ORDERS_PAYMENTS, declined.natsSubject());
    assertThat(r.bodyAsJsonObject().getString("replayedTo")).isEqualTo(replaySubject);
    MessageInfo replayed = p.nc.jetStreamManagement().getLastMessage(Topology.REPLAY, replaySubject);
    assertThat(replayed.getData()).as("the original event, its id unchanged").isEqualTo(EventCodec.encode(declined));
    assertThat(replayed.getHeaders().getFirst(JetStreamBridge.MSG_ID)).isEqualTo("replay-" + letter.getLong("sequence"));
    assertThat(replayed.getHeaders().getFirst(JetStreamBridge.TRACEPARENT)).isEqualTo(TRACEPARENT);
    assertThat(replayed.getHeaders().keySet()).noneMatch(h -> h.startsWith("Orderflow-Dlq-"));
    assertThat(p.get(mgmt, "/admin/dlq/" + letter.getLong("sequence")).statusCode()).as("gone from the DLQ").isEqualTo(404);
    assertThat(messageCount(Topology.PAYMENTS)).as("no duplicate in the event streams").isEqualTo(eventStreams.get(Topology.PAYMENTS));

    // Only orders-payments' replay consumer gets it, and the saga ends the order by the replayed decision.
    await().atMost(PATIENCE).until(() -> order(id).getString("status").equals("CANCELLED"));
    assertThat(order(id).getString("reason")).isEqualTo("PAYMENT_DECLINED");
    awaitSettled(Topology.replayOf(Topology.ORDERS_PAYMENTS));
    Map<String, Long> replayConsumersAfter = replayDeliveries();
    String failed = Topology.replayOf(Topology.ORDERS_PAYMENTS).durable();
    assertThat(replayConsumersAfter.get(failed)).isEqualTo(replayConsumersBefore.get(failed) + 1);
    replayConsumersAfter.remove(failed);
    replayConsumersBefore.remove(failed);
    assertThat(replayConsumersAfter).as("no other consumer saw it").isEqualTo(replayConsumersBefore);
    assertThat(events(id, "orderflow.payment.declined.v1")).hasSize(1);
    assertThat(events(id, "orderflow.order.cancelled.v1").get(0).getString("causationid")).isEqualTo(declined.id());
    assertThat(messageCount(Topology.PAYMENTS)).isEqualTo(eventStreams.get(Topology.PAYMENTS));
    // On the record: who replayed which dead letter.
    var record = operatorRecord(io.orderflow.codecs.Event.OperatorAction.DEAD_LETTER_REPLAYED);
    assertThat(record.actor()).isEqualTo("test-admin");
    assertThat(record.target()).startsWith("DLQ#" + letter.getLong("sequence") + " (orders-payments, ");
    assertThat(record.detail()).isEqualTo("to " + replaySubject);
  }

  /** The last OperatorAction of a kind, read from the SYSTEM stream. */
  private io.orderflow.codecs.Event.OperatorAction operatorRecord(String action) throws Exception {
    MessageInfo m = p.nc.jetStreamManagement().getLastMessage(Topology.SYSTEM, Subjects.SYSTEM_OPERATOR + "." + action);
    return (io.orderflow.codecs.Event.OperatorAction) ((io.orderflow.codecs.Decoded.Ok) EventCodec.decode(m.getData())).envelope().data();
  }

  @Test
  void aPoisonMessageThatIsNotTextIsDeadLetteredAndShownAsBytes() throws Exception {
    String subject = Subjects.PAYMENTS + "." + UUID.randomUUID();
    publish(subject, new byte[] {(byte) 0xff, 0x00, 0x01}, Map.of());

    long seq = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject).getLong("sequence");

    assertThat(p.get(mgmt, "/admin/dlq/" + seq).bodyAsJsonObject().getString("payloadBase64")).isEqualTo("/wAB");
  }

  @Test
  void aPoisonEventPublishedWithExpectationsIsDeadLettered() throws Exception {
    // The broker stores a publish's directives (Nats-Expected-*) with the message, as inventory's fenced
    // writes have them: they must not be applied again to the dead letter's own publish.
    String subject = Subjects.INVENTORY_RESERVED + "." + UUID.randomUUID();
    long last = p.nc.jetStreamManagement().getStreamInfo(Topology.INVENTORY).getStreamState().getLastSequence();
    publish(subject, "{}".getBytes(StandardCharsets.UTF_8), Map.of("Nats-Expected-Last-Sequence", String.valueOf(last)));

    awaitDeadLetter(Topology.AUDIT_INVENTORY.durable(), subject);
  }

  @Test
  void aDeletedDeadLetterIsGone() throws Exception {
    String subject = Subjects.PAYMENTS + "." + UUID.randomUUID();
    publish(subject, "not an event".getBytes(StandardCharsets.UTF_8), Map.of());
    long seq = awaitDeadLetter(Topology.ORDERS_PAYMENTS.durable(), subject).getLong("sequence");

    var r = p.call(HttpMethod.DELETE, mgmt, "/admin/dlq/" + seq, null, Map.of());

    assertThat(r.statusCode()).isEqualTo(204);
    var record = operatorRecord(io.orderflow.codecs.Event.OperatorAction.DEAD_LETTER_DELETED);
    assertThat(record.actor()).isEqualTo("test-admin");
    assertThat(record.target()).isEqualTo("DLQ#" + seq + " (orders-payments, " + subject + ")");
    assertThat(p.get(mgmt, "/admin/dlq/" + seq).statusCode()).isEqualTo(404);
    assertThat(sequences(deadLetters(1000))).doesNotContain(seq);
    assertThat(p.call(HttpMethod.DELETE, mgmt, "/admin/dlq/" + seq, null, Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void anUnknownDeadLetterIsNotFound() {
    for (var r : List.of(p.get(mgmt, "/admin/dlq/987654321"),
        p.call(HttpMethod.POST, mgmt, "/admin/dlq/987654321/replay", null, Map.of()),
        p.call(HttpMethod.DELETE, mgmt, "/admin/dlq/987654321", null, Map.of()))) {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.bodyAsJsonObject().getString("detail")).contains("987654321");
    }
    assertThat(p.get(mgmt, "/admin/dlq/latest").statusCode()).isEqualTo(400);
  }

  @Test
  void deadLettersAfterTheSagaLeaveTheOrderAlone() throws Exception {
    stock("SKU-AFTER", 10);
    String id = placePending("c-after", "SKU-AFTER", 1);
    // As if audit, mail or voiding had failed one of its events: none of them decides the order.
    for (var consumer : List.of(Topology.AUDIT_ORDERS, Topology.NOTIFICATIONS_ENDED, Topology.PAYMENTS_ENDED,
        Topology.replayOf(Topology.AUDIT_INVENTORY))) {
      Headers h = new Headers().put(DeadLetters.CONSUMER, consumer.durable()).put(DeadLetters.ERROR, "boom")
          .put(DeadLetters.SUBJECT, Subjects.ORDERS_PLACED + "." + id).put(DeadLetters.STREAM, consumer.stream())
          .put(DeadLetters.STREAM_SEQ, "1").put(DeadLetters.DELIVERIES, "10").put(DeadLetters.TIME, Instant.now().toString());
      p.nc.jetStream().publish(NatsMessage.builder().subject(Subjects.DLQ + "." + consumer.durable()).headers(h).data(new byte[] {'x'}).build());
    }

    awaitSettled(Topology.ORDERS_DLQ);

    assertThat(order(id).getString("status")).isEqualTo("PENDING");
    assertThat(events(id, "orderflow.order.cancelled.v1")).isEmpty();
  }

  // helpers

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private void stock(String sku, int available) {
    var r = p.call(HttpMethod.PUT, api, "/inventory/" + sku, new JsonObject().put("priceCents", 1250).put("available", available), Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private JsonObject stockOf(String sku) {
    return p.get(api, "/inventory/" + sku).bodyAsJsonObject();
  }

  /** Places an order and waits until its stock is reserved: with no payments service it stays PENDING. */
  private String placePending(String customer, String sku, int quantity) {
    int reserved = stockOf(sku).getInteger("reserved");
    var r = p.call(HttpMethod.POST, api, "/orders", Orders.order(customer, "tok_visa", sku, quantity), Map.of());
    assertThat(r.statusCode()).isEqualTo(202);
    await().atMost(PATIENCE).until(() -> stockOf(sku).getInteger("reserved") == reserved + quantity);
    String id = r.bodyAsJsonObject().getString("orderId");
    assertThat(order(id).getString("status")).isEqualTo("PENDING");
    return id;
  }

  private JsonObject order(String id) {
    return p.get(api, "/orders/" + id).bodyAsJsonObject();
  }

  private List<JsonObject> events(String id, String type) {
    return p.get(api, "/orders/" + id + "/events").bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("type").equals(type)).toList();
  }

  /** Publishes straight to the bus, as a faulty or hostile publisher would; returns the stream sequence. */
  private long publish(String subject, byte[] data, Map<String, String> headers) throws Exception {
    Headers h = new Headers();
    headers.forEach(h::put);
    return p.nc.jetStream().publish(NatsMessage.builder().subject(subject).headers(h).data(data).build(),
        PublishOptions.builder().messageId("test-" + UUID.randomUUID()).build()).getSeqno();
  }

  private JsonArray deadLetters(int limit) {
    HttpResponse<Buffer> r = p.get(mgmt, "/admin/dlq?limit=" + limit);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonArray();
  }

  private Optional<JsonObject> deadLetter(String consumer, String subject) {
    return deadLetters(1000).stream().map(JsonObject.class::cast)
        .filter(e -> consumer.equals(e.getString("consumer")) && subject.equals(e.getString("subject"))).findFirst();
  }

  private JsonObject awaitDeadLetter(String consumer, String subject) {
    await().atMost(PATIENCE).until(() -> deadLetter(consumer, subject).isPresent());
    return deadLetter(consumer, subject).orElseThrow();
  }

  private static List<Long> sequences(JsonArray letters) {
    return letters.stream().map(e -> ((JsonObject) e).getLong("sequence")).toList();
  }

  private ConsumerInfo info(Topology.ConsumerSpec spec) throws Exception {
    return p.nc.jetStreamManagement().getConsumerInfo(spec.stream(), spec.durable());
  }

  private void awaitSettled(Topology.ConsumerSpec spec) {
    await().atMost(PATIENCE).until(() -> info(spec).getNumPending() == 0 && info(spec).getNumAckPending() == 0);
  }

  /** Messages each replay consumer was given (its delivered consumer sequence). */
  private Map<String, Long> replayDeliveries() throws Exception {
    Map<String, Long> delivered = new HashMap<>();
    for (var spec : Topology.EVENT_CONSUMERS) {
      var replay = Topology.replayOf(spec);
      delivered.put(replay.durable(), info(replay).getDelivered().getConsumerSequence());
    }
    return delivered;
  }

  private long messageCount(String stream) throws Exception {
    try {
      return p.nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    } catch (JetStreamApiException e) {
      throw new AssertionError("stream " + stream + " is missing", e);
    }
  }

  private Map<String, Long> messageCounts() throws Exception {
    Map<String, Long> counts = new HashMap<>();
    for (String s : List.of(Topology.ORDERS, Topology.INVENTORY, Topology.PAYMENTS, Topology.NOTIFICATIONS)) counts.put(s, messageCount(s));
    return counts;
  }
}
