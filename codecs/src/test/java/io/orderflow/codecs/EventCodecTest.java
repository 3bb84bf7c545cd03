package io.orderflow.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {
  static final String ORDER = Ids.newOrderId();
  static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123Z");

  static Stream<Event> everyEventType() {
    return Stream.of(
        new Event.OrderPlaced(ORDER, "c-1", List.of(new OrderLine("SKU-1", 2, 1250)), 2500, "EUR", "h"),
        new Event.OrderConfirmed(ORDER, "c-1", 2500, "EUR"),
        new Event.OrderCancelled(ORDER, "c-1", CancelReason.OUT_OF_STOCK, "SKU-1 short"),
        new Event.StockSet("SKU-1", 5),
        new Event.StockReserved(ORDER, List.of(new StockLine("SKU-1", 2)), 2500, "EUR"),
        new Event.StockRejected(ORDER, "SKU-1", 10, 5),
        new Event.StockCommitted(ORDER, List.of(new StockLine("SKU-1", 2))),
        new Event.StockReleased(ORDER, List.of(new StockLine("SKU-1", 2))),
        new Event.PaymentAuthorized(ORDER, "ch_1", 2500, "EUR"),
        new Event.PaymentDeclined(ORDER, "card_declined", 2500, "EUR"),
        new Event.NotificationSent(ORDER, "order-confirmed", "<x@orderflow>"));
  }

  @ParameterizedTest
  @MethodSource("everyEventType")
  void everyEventSurvivesARoundTrip(Event data) {
    Envelope sent = Envelope.of(data, NOW, new Cause("cause-1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 3));
    Decoded decoded = EventCodec.decode(EventCodec.encode(sent));
    assertThat(decoded).isEqualTo(new Decoded.Ok(sent));
  }

  @Test
  void encodesStructuredCloudEvent() {
    Envelope e = Envelope.of(new Event.OrderConfirmed(ORDER, "c-1", 2500, "EUR"), NOW, null, null);
    var json = EventCodec.toJson(e);
    assertThat(json.get("specversion").asText()).isEqualTo("1.0");
    assertThat(json.get("type").asText()).isEqualTo("orderflow.order.confirmed.v1");
    assertThat(json.get("source").asText()).isEqualTo("/orderflow/orders");
    assertThat(json.get("subject").asText()).isEqualTo(ORDER);
    assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(json.has("traceparent")).isFalse();
  }

  @Test
  void deliveryAttemptIsWrittenOnlyForEventsMadeFromADelivery() {
    var placed = Envelope.of(new Event.OrderConfirmed(ORDER, "c-1", 2500, "EUR"), NOW, Cause.trace(null));
    assertThat(EventCodec.toJson(placed).has("deliveryattempt")).isFalse();
    var retried = Envelope.of(new Event.OrderConfirmed(ORDER, "c-1", 2500, "EUR"), NOW, new Cause("e-1", null, 4));
    assertThat(EventCodec.toJson(retried).get("deliveryattempt").asInt()).isEqualTo(4);
  }

  @Test
  void aMalformedDeliveryAttemptIsIgnoredLikeAnUnknownField() {
    String json = """
        {"specversion":"1.0","id":"e1","source":"/orderflow/orders","type":"orderflow.order.confirmed.v1","subject":"%s",
         "time":"2026-11-25T10:15:30Z","deliveryattempt":"often",
         "data":{"orderId":"%s","customerId":"c-1","totalCents":5,"currency":"EUR"}}
        """.formatted(ORDER, ORDER);
    var decoded = EventCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    assertThat(decoded).isInstanceOfSatisfying(Decoded.Ok.class, ok -> assertThat(ok.envelope().deliveryAttempt()).isZero());
  }

  @Test
  void eventIdsAreDeterministicPerOrderAndType() {
    var a = Envelope.of(new Event.OrderConfirmed(ORDER, "c-1", 2500, "EUR"), NOW, null, null);
    var b = Envelope.of(new Event.OrderConfirmed(ORDER, "c-1", 2500, "EUR"), NOW.plusSeconds(5), null, null);
    var c = Envelope.of(new Event.OrderCancelled(ORDER, "c-1", CancelReason.OUT_OF_STOCK, null), NOW, null, null);
    assertThat(a.id()).isEqualTo(b.id()).isNotEqualTo(c.id());
  }

  @Test
  void anEventWithoutItsTypesSourceIsInvalid() {
    String json = """
        {"specversion":"1.0","id":"e1",%s"type":"orderflow.order.confirmed.v1","subject":"%s","time":"2026-11-25T10:15:30Z",
         "data":{"orderId":"%s","customerId":"c-1","totalCents":5,"currency":"EUR"}}
        """;
    for (String source : new String[] {"", "\"source\":\"/orderflow/payments\",", "\"source\":null,", "\"source\":\"/orderflow/orders/\","}) {
      Decoded decoded = EventCodec.decode(json.formatted(source, ORDER, ORDER).getBytes(StandardCharsets.UTF_8));
      assertThat(decoded).as(source).isInstanceOfSatisfying(Decoded.Failed.class, f -> {
        assertThat(f.error().kind()).isEqualTo(DecodeError.Kind.INVALID);
        assertThat(f.error().detail()).contains("comes from /orderflow/orders");
      });
    }
    assertThat(EventCodec.decode(json.formatted("\"source\":\"/orderflow/orders\",", ORDER, ORDER).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void unknownFieldsAreIgnored() {
    String json = """
        {"specversion":"1.0","id":"e1","source":"/orderflow/orders","type":"orderflow.order.confirmed.v1","subject":"%s",
         "time":"2026-11-25T10:15:30Z","newattr":"x",
         "data":{"orderId":"%s","customerId":"c-1","totalCents":5,"currency":"EUR","loyaltyPoints":7}}
        """.formatted(ORDER, ORDER);
    assertThat(EventCodec.decode(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void garbageIsAMalformedError() {
    assertThat(decode("{not json")).isEqualTo(DecodeError.Kind.MALFORMED);
    assertThat(decode("[1,2]")).isEqualTo(DecodeError.Kind.MALFORMED);
    assertThat(decode("")).isEqualTo(DecodeError.Kind.MALFORMED);
    assertThat(decode("{\"specversion\":\"0.3\"}")).isEqualTo(DecodeError.Kind.MALFORMED);
  }

  @Test
  void unknownTypeIsItsOwnError() {
    assertThat(decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"orderflow.order.teleported.v1\",\"subject\":\"x\",\"time\":\"2026-11-25T10:15:30Z\",\"data\":{}}"))
        .isEqualTo(DecodeError.Kind.UNKNOWN_TYPE);
  }

  @Test
  void contractViolationsAreInvalid() {
    String base = "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"orderflow.order.placed.v1\",\"subject\":\"%s\",\"time\":\"2026-11-25T10:15:30Z\",\"data\":%s}";
    // wrong total
    assertThat(decode(base.formatted(ORDER, "{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unitPriceCents\":5}],\"totalCents\":6,\"currency\":\"EUR\"}")))
        .isEqualTo(DecodeError.Kind.INVALID);
    // wrongly typed field
    assertThat(decode(base.formatted(ORDER, "{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c\",\"lines\":\"many\",\"totalCents\":6,\"currency\":\"EUR\"}")))
        .isEqualTo(DecodeError.Kind.INVALID);
    // missing data
    assertThat(decode(base.formatted(ORDER, "null"))).isEqualTo(DecodeError.Kind.INVALID);
    // subject differs from data
    assertThat(decode(base.formatted("other", "{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unitPriceCents\":5}],\"totalCents\":5,\"currency\":\"EUR\"}")))
        .isEqualTo(DecodeError.Kind.INVALID);
    // bad time
    assertThat(decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"orderflow.order.confirmed.v1\",\"subject\":\"x\",\"time\":\"yesterday\",\"data\":{}}"))
        .isEqualTo(DecodeError.Kind.INVALID);
  }

  @Test
  void moneyIsNeverFloatingPoint() {
    String json = new String(EventCodec.encode(Envelope.of(new Event.PaymentAuthorized(ORDER, "ch", 1999, "EUR"), NOW, null, null)), StandardCharsets.UTF_8);
    assertThat(json).contains("\"amountCents\":1999").doesNotContain("19.99");
  }

  private static DecodeError.Kind decode(String s) {
    Decoded d = EventCodec.decode(s.getBytes(StandardCharsets.UTF_8));
    assertThat(d).isInstanceOf(Decoded.Failed.class);
    return ((Decoded.Failed) d).error().kind();
  }
}
