package io.orderflow.codecs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming decoder gives the tree-based decoder's result for every input: the same event, or the same
 * error (kind and detail). Valid events must take the streaming path, or it would be measured for nothing.
 */
class EventCodecEquivalenceTest {
  private static final StreamingDecoder STREAMING = new StreamingDecoder(EventCodec.mapper());
  private static final String ORDER = EventSamples.ORDER;

  private static final String SPEC = "\"specversion\":\"1.0\"";
  private static final String ID = "\"id\":\"e1\"";
  private static final String SOURCE = "\"source\":\"/orderflow/orders\"";
  // With the source their types have (orders'): a type's source is checked like the rest.
  private static final String CONFIRMED = "\"type\":\"orderflow.order.confirmed.v1\",\"source\":\"/orderflow/orders\"";
  private static final String PLACED = "\"type\":\"orderflow.order.placed.v1\",\"source\":\"/orderflow/orders\"";
  private static final String SUBJECT = "\"subject\":\"" + ORDER + "\"";
  private static final String TIME = "\"time\":\"2026-11-25T10:15:30.5Z\"";
  private static final String CONFIRMED_DATA =
      "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c-1\",\"totalCents\":5,\"currency\":\"EUR\"}";
  private static final String PLACED_DATA = "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c-1\","
      + "\"lines\":[{\"sku\":\"A\",\"quantity\":2,\"unitPriceCents\":5},{\"sku\":\"B\",\"quantity\":1,\"unitPriceCents\":7}],"
      + "\"totalCents\":17,\"currency\":\"EUR\",\"requestHash\":\"h\"}";

  static List<Envelope> envelopes() {
    return EventSamples.envelopes();
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void everyValidEventTakesTheStreamingPath(Envelope e) {
    byte[] bytes = EventCodec.encode(e);
    assertThat(TreeCodecReference.decode(bytes)).isEqualTo(new Decoded.Ok(e));
    assertThat(STREAMING.decodeValid(bytes)).isEqualTo(e);
    assertThat(EventCodec.decode(bytes)).isEqualTo(new Decoded.Ok(e));
  }

  @Test
  void dataBeforeTypeIsDecodedOnTheStreamingPath() {
    byte[] dataFirst = json(PLACED_DATA, TIME, SUBJECT, PLACED, ID, SPEC);
    byte[] usual = json(SPEC, ID, SOURCE, PLACED, SUBJECT, TIME, PLACED_DATA);
    Envelope e = STREAMING.decodeValid(dataFirst);
    assertThat(e).isNotNull().isEqualTo(STREAMING.decodeValid(usual));
    assertThat(EventCodec.decode(dataFirst)).isEqualTo(new Decoded.Ok(e)).isEqualTo(TreeCodecReference.decode(dataFirst));
  }

  @Test
  void unknownAttributesAreSkippedOnTheStreamingPath() {
    byte[] bytes = json(SPEC, "\"x-list\":[1,{\"a\":[[]]},\"s\"]", ID, "\"x-obj\":{\"data\":{\"type\":1}}", CONFIRMED,
        "\"x-null\":null", SUBJECT, TIME, CONFIRMED_DATA, "\"x-last\":{}");
    assertThat(STREAMING.decodeValid(bytes)).isNotNull();
    assertThat(EventCodec.decode(bytes)).isEqualTo(TreeCodecReference.decode(bytes));
  }

  @Test
  void oddButValidMessagesStayOnTheStreamingPath() {
    String repeatedData = CONFIRMED_DATA.replace("\"totalCents\":5", "\"totalCents\":1,\"totalCents\":5");
    List<String> messages = List.of(
        message(CONFIRMED, CONFIRMED_DATA, "\"deliveryattempt\":0"),
        message(CONFIRMED, CONFIRMED_DATA, "\"deliveryattempt\":-1"),
        message(CONFIRMED, CONFIRMED_DATA, "\"deliveryattempt\":-2147483648"),
        message(CONFIRMED, CONFIRMED_DATA, "\"traceparent\":5", "\"causationid\":{\"id\":\"e0\"}"),
        message(CONFIRMED, CONFIRMED_DATA, "\"traceparent\":null", "\"causationid\":[\"e0\"]"),
        message(CONFIRMED, CONFIRMED_DATA.replace("\"totalCents\":5", "\"totalCents\":5.0")),
        message(CONFIRMED, CONFIRMED_DATA.replace("\"totalCents\":5", "\"totalCents\":\"5\"")),
        message(CONFIRMED, repeatedData),
        message(CONFIRMED, "\"id\":\"e2\"", CONFIRMED_DATA, "\"deliveryattempt\":2", "\"deliveryattempt\":3"),
        message(CONFIRMED, CONFIRMED_DATA.replace("c-1", "c-2"), CONFIRMED_DATA),
        object(SPEC, ID, CONFIRMED, SUBJECT, "\"time\":\"2026-11-25T11:15:30.5+01:00\"", CONFIRMED_DATA),
        object(SPEC, ID, CONFIRMED, SUBJECT, "\"time\":\"2026-11-25t10:15:30z\"", CONFIRMED_DATA),
        message(CONFIRMED, CONFIRMED_DATA) + " trailing");
    for (String message : messages) {
      byte[] bytes = message.getBytes(UTF_8);
      Decoded reference = TreeCodecReference.decode(bytes);
      assertThat(reference).as(message).isInstanceOf(Decoded.Ok.class);
      assertThat(STREAMING.decodeValid(bytes)).as(message).isEqualTo(((Decoded.Ok) reference).envelope());
    }
  }

  @Test
  void malformedInputsAreMalformed() {
    for (String s : List.of("{", "{\"specversion\":\"1.0\"", "\"1.0\"", "null", "42", " ", "[]", "{}x",
        "{\"specversion\":\"1.0\",}", "{'specversion':'1.0'}")) {
      assertThat(kind(s.getBytes(UTF_8))).as(s).isEqualTo(DecodeError.Kind.MALFORMED);
    }
    // A syntax error after data decides, however valid the rest is.
    assertThat(kind(json(SPEC, ID, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA, "\"x\":tru"))).isEqualTo(DecodeError.Kind.MALFORMED);
    // So does a wrong specversion after an unknown type, or after data.
    assertThat(kind(json("\"type\":\"orderflow.order.teleported.v1\"", ID, SUBJECT, TIME, CONFIRMED_DATA, "\"specversion\":\"0.3\"")))
        .isEqualTo(DecodeError.Kind.MALFORMED);
    assertThat(kind(json(CONFIRMED_DATA, CONFIRMED, ID, SUBJECT, TIME, "\"specversion\":1.0"))).isEqualTo(DecodeError.Kind.MALFORMED);
    byte[] valid = json(SPEC, ID, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA);
    for (int end = 1; end < valid.length; end++) {
      assertThat(kind(Arrays.copyOf(valid, end))).as("cut at %d", end).isEqualTo(DecodeError.Kind.MALFORMED);
    }
    byte[] notUtf8 = json(SPEC, ID, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA);
    notUtf8[notUtf8.length - 10] = (byte) 0xC3;
    assertThat(kind(notUtf8)).isEqualTo(DecodeError.Kind.MALFORMED);
  }

  @Test
  void unknownTypesAndBrokenContractsKeepTheirKinds() {
    assertThat(kind(json(CONFIRMED_DATA, SPEC, ID, "\"type\":\"orderflow.order.teleported.v1\"", SUBJECT, TIME)))
        .isEqualTo(DecodeError.Kind.UNKNOWN_TYPE);
    assertThat(kind(json(CONFIRMED_DATA, SPEC, ID, SUBJECT, TIME))).isEqualTo(DecodeError.Kind.INVALID);
    assertThat(kind(json(SPEC, ID, "\"type\":7", SUBJECT, TIME, CONFIRMED_DATA))).isEqualTo(DecodeError.Kind.INVALID);
    assertThat(kind(json(SPEC, "\"id\":\" \"", CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA))).isEqualTo(DecodeError.Kind.INVALID);
    assertThat(kind(json(SPEC, ID, CONFIRMED, SUBJECT, "\"time\":\"2026-02-29T10:15:30Z\"", CONFIRMED_DATA)))
        .isEqualTo(DecodeError.Kind.INVALID);
    assertThat(kind(json(SPEC, ID, CONFIRMED, SUBJECT, TIME, "\"data\":[]"))).isEqualTo(DecodeError.Kind.INVALID);
    assertThat(kind(json(SPEC, ID, CONFIRMED, SUBJECT, TIME,
        "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c-1\",\"totalCents\":5,\"currency\":\"eur\"}")))
        .isEqualTo(DecodeError.Kind.INVALID);
  }

  @Test
  void aRepeatedAttributeKeepsItsLastValueAsBefore() {
    byte[] bytes = json(SPEC, ID, "\"type\":\"orderflow.order.teleported.v1\"", SUBJECT, TIME, CONFIRMED_DATA, CONFIRMED);
    assertThat(EventCodec.decode(bytes)).isInstanceOf(Decoded.Ok.class).isEqualTo(TreeCodecReference.decode(bytes));
  }

  @Test
  void aDataPropertyRepeatedAfterTheRecordIsCompleteKeepsItsLastValue() {
    // Jackson has built the record when the repeat comes and fails the read; were it to keep the first value
    // instead, the streaming path would differ from the tree.
    byte[] bytes = json(SPEC, ID, CONFIRMED, SUBJECT, TIME, "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c-1\","
        + "\"totalCents\":5,\"currency\":\"EUR\",\"requestHash\":\"h\",\"customerId\":\"c-2\"}");
    assertThat(STREAMING.decodeValid(bytes)).isNull();
    assertThat(EventCodec.decode(bytes)).isEqualTo(TreeCodecReference.decode(bytes)).isInstanceOfSatisfying(Decoded.Ok.class,
        ok -> assertThat(((Event.OrderConfirmed) ok.envelope().data()).customerId()).isEqualTo("c-2"));
  }

  @Test
  void aNumberInATextFieldReadsAsBefore() {
    // The tree gave the node's text: 1e2 became "100.0", which is no customer id; -0 became "0".
    byte[] exponent = json(SPEC, ID, CONFIRMED, SUBJECT, TIME,
        "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":1e2,\"totalCents\":5,\"currency\":\"EUR\"}");
    assertThat(kind(exponent)).isEqualTo(DecodeError.Kind.INVALID);
    byte[] negativeZero = json(SPEC, ID, CONFIRMED, SUBJECT, TIME,
        "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":-0,\"totalCents\":5,\"currency\":\"EUR\"}");
    assertThat(EventCodec.decode(negativeZero)).isEqualTo(TreeCodecReference.decode(negativeZero)).isInstanceOfSatisfying(Decoded.Ok.class,
        ok -> assertThat(((Event.OrderConfirmed) ok.envelope().data()).customerId()).isEqualTo("0"));
  }

  static Stream<String> trickyMessages() {
    List<String> cases = new ArrayList<>();
    // Repeated names inside data, before and after the record has all its properties (the last one completes it).
    List<String> dataMembers = List.of(
        "\"orderId\":\"" + ORDER + "\"", "\"customerId\":\"c-1\"", "\"totalCents\":5", "\"currency\":\"EUR\"", "\"requestHash\":\"h\"");
    for (String repeated : List.of("\"orderId\":\"0190f3a2-7c4e-7d1a-9b3f-2e8c5a6d4f11\"", "\"orderId\":\"bad\"",
        "\"customerId\":\"c-2\"", "\"totalCents\":6", "\"totalCents\":\"x\"", "\"requestHash\":null", "\"x\":1")) {
      for (List<String> complete : List.of(dataMembers, dataMembers.subList(0, 4))) {
        for (int at = 0; at <= complete.size(); at++) {
          List<String> members = new ArrayList<>(complete);
          members.add(at, repeated);
          cases.add(message(CONFIRMED, "\"data\":{" + String.join(",", members) + "}"));
          cases.add(message("\"data\":{" + String.join(",", members) + "}", CONFIRMED));
        }
        cases.add(message(CONFIRMED, "\"data\":{" + repeated + "," + String.join(",", complete) + "," + repeated + "}"));
      }
    }
    cases.add(message(PLACED, PLACED_DATA.replace("\"quantity\":2,", "\"quantity\":2,\"sku\":\"C\",")));
    cases.add(message(PLACED, PLACED_DATA.replace("\"unitPriceCents\":5}", "\"unitPriceCents\":5,\"sku\":\"C\"}")));
    cases.add(message(PLACED, PLACED_DATA.replace("\"unitPriceCents\":5}", "\"unitPriceCents\":5,\"sku\":7}")));
    // Repeated attributes.
    for (String attribute : List.of(SPEC, "\"specversion\":\"0.3\"", ID, "\"id\":\"\"", CONFIRMED, PLACED, SUBJECT, TIME,
        "\"time\":\"now\"", CONFIRMED_DATA, "\"data\":{}", "\"traceparent\":\"t\"", "\"deliveryattempt\":2", SOURCE)) {
      cases.add(message(CONFIRMED, CONFIRMED_DATA, attribute));
      cases.add(attribute.startsWith("\"data\"") ? message(CONFIRMED, attribute, CONFIRMED_DATA) : message(attribute, CONFIRMED, CONFIRMED_DATA));
    }
    // Numbers and other values where the contract has text, or text where it has numbers.
    for (String value : List.of("1e2", "-0", "12", "1.50", "0.0", "true", "null", "[\"c\"]", "{}", "\"\"", "\"c 1\"", "\"ç\"")) {
      cases.add(message(CONFIRMED, CONFIRMED_DATA.replace("\"c-1\"", value)));
    }
    for (String value : List.of("5.0", "5.7", "5e0", "0.5e1", "\"5\"", "\" 5\"", "\"5.0\"", "\"\"", "null", "true",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e19", "1e400", "-0", "[5]")) {
      cases.add(message(CONFIRMED, CONFIRMED_DATA.replace("\"totalCents\":5", "\"totalCents\":" + value)));
    }
    for (String value : List.of("2.0", "2.5", "\"2\"", "2147483648", "1e9", "1e10", "0", "null")) {
      cases.add(message(PLACED, PLACED_DATA.replace("\"quantity\":2", "\"quantity\":" + value)));
    }
    for (String value : List.of("\"out_of_stock\"", "\"OUT_OF_STOCK\"", "0", "4", "5", "1.0", "\"\"", "null", "\"0\"")) {
      cases.add(message("\"type\":\"orderflow.order.cancelled.v1\"",
          "\"data\":{\"orderId\":\"" + ORDER + "\",\"customerId\":\"c-1\",\"reason\":" + value + "}"));
    }
    // deliveryattempt, traceparent and causationid of every shape.
    for (String value : List.of("3", "0", "-1", "3.7", "-0.5", "1e2", "2147483647", "2147483648", "-2147483649",
        "9223372036854775808", "1e400", "\"often\"", "\"3\"", "null", "true", "{}", "[1]")) {
      cases.add(message(CONFIRMED, CONFIRMED_DATA, "\"deliveryattempt\":" + value));
      cases.add(message(CONFIRMED, CONFIRMED_DATA, "\"traceparent\":" + value, "\"causationid\":" + value));
    }
    // Attributes of every shape.
    cases.add(object(ID, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA));
    for (String value : List.of("\"1.0\"", "1.0", "\"1.00\"", "null", "\"\"")) {
      cases.add(object("\"specversion\":" + value, ID, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA));
    }
    for (String value : List.of("\"\"", "\" \"", "\"\\t\"", "5", "null", "{}")) {
      cases.add(object(SPEC, "\"id\":" + value, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA));
    }
    cases.add(object(SPEC, CONFIRMED, SUBJECT, TIME, CONFIRMED_DATA));
    for (String value : List.of("\"other\"", "\"\"", "5", "null", "\"" + ORDER.toUpperCase() + "\"")) {
      cases.add(object(SPEC, ID, CONFIRMED, "\"subject\":" + value, TIME, CONFIRMED_DATA));
    }
    cases.add(object(SPEC, ID, CONFIRMED, TIME, CONFIRMED_DATA));
    for (String value : List.of("\"2026-11-25T10:15:30Z\"", "\"2026-11-25t10:15:30z\"", "\"2026-11-25T10:15:30+01:00\"",
        "\"2026-11-25T10:15:30.Z\"", "\"2026-11-25T10:15:30.1234567891Z\"", "\"2026-12-31T23:59:60Z\"", "\"2026-11-25T24:00:00Z\"",
        "\"2027-02-29T10:15:30Z\"", "\"+12026-11-25T10:15:30Z\"", "\"2026-11-25 10:15:30Z\"", "\"2026-11-25T10:15Z\"",
        "\"yesterday\"", "1764065730", "null")) {
      cases.add(object(SPEC, ID, CONFIRMED, SUBJECT, "\"time\":" + value, CONFIRMED_DATA));
    }
    for (String value : List.of("\"orderflow.order.teleported.v1\"", "\"ORDERFLOW.ORDER.CONFIRMED.V1\"", "\"\"", "1", "null", "[]")) {
      cases.add(object(SPEC, ID, "\"type\":" + value, SUBJECT, TIME, CONFIRMED_DATA));
      cases.add(object(CONFIRMED_DATA, SPEC, ID, "\"type\":" + value, SUBJECT, TIME));
    }
    for (String value : List.of("null", "[]", "\"{}\"", "5", "{}", "{\"orderId\":\"" + ORDER + "\"}")) {
      cases.add(message(CONFIRMED, "\"data\":" + value));
      cases.add(message("\"data\":" + value, CONFIRMED));
    }
    cases.add(message(CONFIRMED));
    cases.add(object(SPEC, ID, CONFIRMED, SUBJECT, CONFIRMED_DATA));
    // Around the object: trailing content (the tree-based decoder read only the first value), whitespace, BOM.
    String valid = message(CONFIRMED, CONFIRMED_DATA);
    for (String after : List.of(" ", "\n", "}", "]", " x", "{}", ",", " {\"a\":")) cases.add(valid + after);
    cases.add(" \n\t" + valid);
    cases.add("\uFEFF" + valid);
    cases.add("[" + valid + "]");
    cases.add("{\"a\":" + "[".repeat(1200) + "]".repeat(1200) + "," + valid.substring(1));
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("trickyMessages")
  void decodesTrickyMessagesLikeTheTreeBasedDecoder(String message) {
    byte[] bytes = message.getBytes(UTF_8);
    assertThat(EventCodec.decode(bytes)).isEqualTo(TreeCodecReference.decode(bytes));
  }

  @Test
  void decodesMutatedMessagesLikeTheTreeBasedDecoder() {
    Random random = new Random(20261125);
    String alphabet = "{}[]\":,.-+0123456789eEtrufalsn \\x\u00e9";
    List<byte[]> originals = new ArrayList<>();
    for (Envelope e : EventSamples.envelopes()) originals.add(EventCodec.encode(e));
    originals.add(json(PLACED_DATA, TIME, SUBJECT, PLACED, ID, SPEC));
    int fastPathTaken = 0;
    for (int i = 0; i < 20_000; i++) {
      String s = new String(originals.get(random.nextInt(originals.size())), UTF_8);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(s.length());
        int end = Math.min(s.length(), at + 1 + random.nextInt(4));
        String piece = switch (random.nextInt(4)) {
          case 0 -> "";
          case 1 -> String.valueOf(alphabet.charAt(random.nextInt(alphabet.length())));
          case 2 -> s.substring(random.nextInt(s.length() - 4), s.length() - 1).substring(0, 1 + random.nextInt(3));
          default -> s.substring(at, end) + s.substring(at, end);
        };
        s = s.substring(0, at) + piece + s.substring(end);
      }
      byte[] bytes = s.getBytes(UTF_8);
      Decoded expected = TreeCodecReference.decode(bytes);
      assertThat(EventCodec.decode(bytes)).as(s).isEqualTo(expected);
      if (STREAMING.decodeValid(bytes) != null) fastPathTaken++;
    }
    // The mutations must leave many messages valid, or this would test the fallback only.
    assertThat(fastPathTaken).isGreaterThan(1_000);
  }

  private static String message(String... members) {
    List<String> all = new ArrayList<>(List.of(SPEC, ID, SOURCE, SUBJECT, TIME));
    all.addAll(List.of(members));
    return "{" + String.join(",", all) + "}";
  }

  private static String object(String... members) {
    return "{" + String.join(",", members) + "}";
  }

  private static byte[] json(String... members) {
    return object(members).getBytes(UTF_8);
  }

  private static DecodeError.Kind kind(byte[] bytes) {
    Decoded decoded = EventCodec.decode(bytes);
    assertThat(decoded).isEqualTo(TreeCodecReference.decode(bytes)).isInstanceOf(Decoded.Failed.class);
    return ((Decoded.Failed) decoded).error().kind();
  }
}
