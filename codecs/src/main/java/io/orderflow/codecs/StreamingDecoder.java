package io.orderflow.codecs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The fast path of {@link EventCodec#decode(byte[])}: one pass over the message, the data read from the
 * parser straight into its record. It only takes valid events. Anything else it declines, and the tree-based
 * decoding gives the verdict: every error, and every input where reading the stream could differ from
 * reading the tree (a number where text belongs, a deliveryattempt that is not a plain int). Inside data, a
 * property repeated before the record is complete keeps its last value, as in the tree, and one repeated after
 * fails the read, so it is declined too; EventCodecEquivalenceTest holds Jackson to that.
 */
final class StreamingDecoder {
  private final ObjectMapper treeMapper;
  private final ObjectReader reader;
  private final Map<EventType, ObjectReader> dataReaders = new EnumMap<>(EventType.class);

  /** {@code mapper}: the codec's mapper, whose settings the data is read with. */
  StreamingDecoder(ObjectMapper mapper) {
    treeMapper = mapper;
    reader = mapper.copy()
        .registerModule(new SimpleModule("streaming-text").addDeserializer(String.class, new TextOnly()))
        .reader();
    for (EventType type : EventType.values()) dataReaders.put(type, reader.forType(type.dataClass()));
  }

  /** The event, or null when {@code bytes} is not plainly a valid one. */
  Envelope decodeValid(byte[] bytes) {
    try (JsonParser p = reader.createParser(bytes)) {
      return p.nextToken() == JsonToken.START_OBJECT ? envelope(p) : null;
    } catch (IOException | RuntimeException declined) {
      // Malformed, or breaks the contract: the tree-based decoding says which.
      return null;
    }
  }

  private Envelope envelope(JsonParser p) throws IOException {
    String specversion = null;
    String source = null;
    String id = null;
    EventType type = null;
    String subject = null;
    String time = null;
    String traceparent = null;
    String causationId = null;
    int attempt = 0;
    Event data = null;
    JsonNode dataBeforeType = null;
    // A repeated name keeps its last value, as in the tree (data read as an earlier type fails the envelope's check).
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "specversion" -> specversion = text(p);
        case "id" -> id = text(p);
        case "source" -> source = text(p);
        case "type" -> {
          String ceType = text(p);
          type = ceType == null ? null : EventType.ofCeType(ceType).orElse(null);
          if (type == null) return null;
        }
        case "subject" -> subject = text(p);
        case "time" -> time = text(p);
        case "traceparent" -> traceparent = text(p);
        case "causationid" -> causationId = text(p);
        case "deliveryattempt" -> {
          if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) return null;
          attempt = Math.max(0, p.getIntValue());
        }
        case "data" -> {
          if (value != JsonToken.START_OBJECT) return null;
          // Other producers may write data before type: then it waits as a tree, read as the tree path reads it.
          if (type != null) data = dataReaders.get(type).readValue(p);
          else dataBeforeType = p.readValueAsTree();
        }
        default -> p.skipChildren();
      }
    }
    if (!Envelope.SPEC_VERSION.equals(specversion) || type == null || !type.source().equals(source) || id == null || id.isBlank()
        || subject == null || time == null) {
      return null;
    }
    if (data == null) {
      if (dataBeforeType == null) return null;
      data = treeMapper.treeToValue(dataBeforeType, type.dataClass());
    }
    return new Envelope(id, type, subject, Timestamps.parse(time), traceparent, causationId, attempt, data);
  }

  /** A string value; anything else counts as absent, as in the tree-based path. */
  private static String text(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) return p.getText();
    p.skipChildren();
    return null;
  }

  /** The tree-based path gave a number in a text field the node's text ("1e2" became "100.0"), so such input is declined. */
  private static final class TextOnly extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken().isNumeric()) return ctxt.reportInputMismatch(this, "a number where text is expected");
      return super.deserialize(p, ctxt);
    }
  }
}
