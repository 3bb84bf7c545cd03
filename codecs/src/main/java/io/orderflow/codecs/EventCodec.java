package io.orderflow.codecs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;

/**
 * CloudEvents 1.0 structured-mode JSON. Written by hand (the CloudEvents SDK has no NATS binding and the
 * format is small); thread-safe. Decoding never throws: every failure is a {@link DecodeError}.
 */
public final class EventCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);
  /** The data is written inside the envelope: the generator flushes once, when the envelope is done. */
  private static final Map<EventType, ObjectWriter> DATA_WRITERS = new EnumMap<>(EventType.class);
  /** Room for the largest events without growing: an OrderPlaced of three lines is about 750 bytes. */
  private static final int INITIAL_BUFFER = 1024;
  private static final StreamingDecoder STREAMING = new StreamingDecoder(MAPPER);

  static {
    for (EventType type : EventType.values()) {
      DATA_WRITERS.put(type, MAPPER.writerFor(type.dataClass()).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE));
    }
  }

  private EventCodec() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] encode(Envelope e) {
    ByteArrayBuilder out = new ByteArrayBuilder(INITIAL_BUFFER);
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("specversion", Envelope.SPEC_VERSION);
      g.writeStringField("id", e.id());
      g.writeStringField("source", e.source());
      g.writeStringField("type", e.type().ceType());
      g.writeStringField("subject", e.subject());
      g.writeStringField("time", e.time().toString());
      g.writeStringField("datacontenttype", "application/json");
      if (e.traceparent() != null) g.writeStringField("traceparent", e.traceparent());
      if (e.causationId() != null) g.writeStringField("causationid", e.causationId());
      if (e.deliveryAttempt() > 0) g.writeNumberField("deliveryattempt", e.deliveryAttempt());
      g.writeFieldName("data");
      DATA_WRITERS.get(e.type()).writeValue(g, e.data());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot encode " + e.type(), ex);
    }
    return out.toByteArray();
  }

  /** The event as a tree, for callers that embed it in other JSON: the same document {@link #encode} writes. */
  public static ObjectNode toJson(Envelope e) {
    try {
      return (ObjectNode) MAPPER.readTree(encode(e));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read back " + e.type(), ex);
    }
  }

  public static Decoded decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) return failed(DecodeError.Kind.MALFORMED, "empty message");
    Envelope valid = STREAMING.decodeValid(bytes);
    if (valid != null) return new Decoded.Ok(valid);
    // Not plainly a valid event: the tree-based decoding gives the verdict, the same it always gave.
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException ex) {
      return failed(DecodeError.Kind.MALFORMED, "not JSON: " + (ex instanceof JsonProcessingException j ? j.getOriginalMessage() : ex.getMessage()));
    }
    if (root == null || !root.isObject()) return failed(DecodeError.Kind.MALFORMED, "not a JSON object");
    return decode(root);
  }

  public static Decoded decode(JsonNode root) {
    String specversion = text(root, "specversion");
    if (!Envelope.SPEC_VERSION.equals(specversion)) {
      return failed(DecodeError.Kind.MALFORMED, "not a CloudEvents 1.0 event (specversion " + specversion + ")");
    }
    String ceType = text(root, "type");
    if (ceType == null) return failed(DecodeError.Kind.INVALID, "missing type");
    var type = EventType.ofCeType(ceType);
    if (type.isEmpty()) return failed(DecodeError.Kind.UNKNOWN_TYPE, "unknown type " + ceType);
    // Each type has one publisher: an event claiming another source is forged or broken.
    String source = text(root, "source");
    if (!type.get().source().equals(source)) {
      return failed(DecodeError.Kind.INVALID, ceType + " comes from " + type.get().source() + ", not from " + (source == null ? "no source" : source));
    }
    String id = text(root, "id");
    String subject = text(root, "subject");
    String time = text(root, "time");
    JsonNode data = root.get("data");
    if (id == null || id.isBlank()) return failed(DecodeError.Kind.INVALID, "missing id");
    if (subject == null) return failed(DecodeError.Kind.INVALID, "missing subject");
    if (time == null) return failed(DecodeError.Kind.INVALID, "missing time");
    if (data == null || !data.isObject()) return failed(DecodeError.Kind.INVALID, "missing data object");
    try {
      Event event = MAPPER.treeToValue(data, type.get().dataClass());
      return new Decoded.Ok(new Envelope(id, type.get(), subject, Instant.parse(time),
          text(root, "traceparent"), text(root, "causationid"), attempt(root), event));
    } catch (JsonProcessingException ex) {
      return failed(DecodeError.Kind.INVALID, ceType + ": " + rootCause(ex));
    } catch (IllegalArgumentException | NullPointerException | DateTimeParseException | ArithmeticException ex) {
      // Thrown by the records' own validation: the message is well-formed but breaks the contract.
      return failed(DecodeError.Kind.INVALID, ceType + ": " + ex.getMessage());
    }
  }

  private static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) c = c.getCause();
    return c == t ? ((JsonProcessingException) t).getOriginalMessage() : c.getMessage();
  }

  /** The optional {@code deliveryattempt} extension; a malformed one is ignored like an unknown field. */
  private static int attempt(JsonNode root) {
    JsonNode n = root.get("deliveryattempt");
    return n != null && n.canConvertToInt() && n.asInt() > 0 ? n.asInt() : 0;
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n == null || !n.isTextual() ? null : n.asText();
  }

  private static Decoded failed(DecodeError.Kind kind, String detail) {
    return new Decoded.Failed(new DecodeError(kind, detail));
  }
}
