package io.orderflow.codecs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The codec as it was before it streamed: a Jackson tree each way. Kept verbatim as the reference that
 * {@link EventCodec} must match, byte for byte when encoding and result for result when decoding.
 */
final class TreeCodecReference {
  private static final ObjectMapper MAPPER = EventCodec.mapper();

  private TreeCodecReference() {}

  static byte[] encode(Envelope e) {
    try {
      return MAPPER.writeValueAsBytes(toJson(e));
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException("cannot encode " + e.type(), ex);
    }
  }

  static ObjectNode toJson(Envelope e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("specversion", Envelope.SPEC_VERSION);
    n.put("id", e.id());
    n.put("source", e.source());
    n.put("type", e.type().ceType());
    n.put("subject", e.subject());
    n.put("time", e.time().toString());
    n.put("datacontenttype", "application/json");
    if (e.traceparent() != null) n.put("traceparent", e.traceparent());
    if (e.causationId() != null) n.put("causationid", e.causationId());
    if (e.deliveryAttempt() > 0) n.put("deliveryattempt", e.deliveryAttempt());
    n.set("data", MAPPER.valueToTree(e.data()));
    return n;
  }

  static Decoded decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) return failed(DecodeError.Kind.MALFORMED, "empty message");
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException ex) {
      return failed(DecodeError.Kind.MALFORMED, "not JSON: " + (ex instanceof JsonProcessingException j ? j.getOriginalMessage() : ex.getMessage()));
    }
    if (root == null || !root.isObject()) return failed(DecodeError.Kind.MALFORMED, "not a JSON object");
    return decode(root);
  }

  static Decoded decode(JsonNode root) {
    String specversion = text(root, "specversion");
    if (!Envelope.SPEC_VERSION.equals(specversion)) {
      return failed(DecodeError.Kind.MALFORMED, "not a CloudEvents 1.0 event (specversion " + specversion + ")");
    }
    String ceType = text(root, "type");
    if (ceType == null) return failed(DecodeError.Kind.INVALID, "missing type");
    var type = EventType.ofCeType(ceType);
    if (type.isEmpty()) return failed(DecodeError.Kind.UNKNOWN_TYPE, "unknown type " + ceType);
    // Since events are checked for their publisher: each type has one source.
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
