package io.orderflow.codecs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The streaming encoder writes exactly the bytes the tree-based one wrote: the audit chain hashes them. */
class EventEncodingTest {

  static Iterable<Envelope> envelopes() {
    return EventSamples.envelopes();
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void encodesTheBytesOfTheTreeBasedEncoder(Envelope e) {
    byte[] encoded = EventCodec.encode(e);
    byte[] reference = TreeCodecReference.encode(e);
    assertThat(new String(encoded, UTF_8)).isEqualTo(new String(reference, UTF_8));
    assertThat(encoded).isEqualTo(reference);
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void toJsonIsTheTreeOfTheTreeBasedEncoder(Envelope e) {
    assertThat(EventCodec.toJson(e).toString()).isEqualTo(TreeCodecReference.toJson(e).toString());
  }

  @Test
  void theSamplesHaveEveryEventType() {
    assertThat(EventSamples.envelopes().stream().map(Envelope::type).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(EventType.values());
  }

  @Test
  void aSampleFromBeforeTheStreamingEncoderIsUnchanged() {
    // Written by the tree-based encoder: the golden copy does not depend on the reference kept in the tests.
    Envelope e = new Envelope("764c88c1-a401-3bf4-897a-a32a71336dca", EventType.ORDER_PLACED, EventSamples.ORDER,
        EventSamples.times().get(0), EventSamples.TRACEPARENT, "ab", 1, EventSamples.everyType().get(0));
    assertThat(new String(EventCodec.encode(e), UTF_8)).isEqualTo("""
        {"specversion":"1.0","id":"764c88c1-a401-3bf4-897a-a32a71336dca","source":"/orderflow/orders",\
        "type":"orderflow.order.placed.v1","subject":"0190f3a2-7c4e-7d1a-9b3f-2e8c5a6d4f10",\
        "time":"2026-11-29T10:15:30.123456Z","datacontenttype":"application/json",\
        "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","causationid":"ab","deliveryattempt":1,\
        "data":{"orderId":"0190f3a2-7c4e-7d1a-9b3f-2e8c5a6d4f10","customerId":"c-1042",\
        "lines":[{"sku":"SKU-MUG-01","quantity":2,"unitPriceCents":1250},{"sku":"SKU-TEE-M","quantity":1,"unitPriceCents":2499}],\
        "totalCents":4999,"currency":"EUR","requestHash":"3f1c9a0e5b7d2c4a"}}""");
  }
}
