package io.orderflow.runtime.deadletter;

import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.Topology;
import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.impl.Headers;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A message of the DLQ stream: the failed message's payload and headers plus where and why it failed (the
 * {@link DeadLetters} headers). A dead letter need not be a valid event, so nothing here assumes one.
 *
 * @param sequence its sequence in the DLQ stream
 */
public record DeadLetter(long sequence, Map<String, List<String>> headers, byte[] payload) {
  private static final String DLQ_HEADER_PREFIX = "Orderflow-Dlq-";
  /** Publish directives of the broker (message id, expectations): meaningless once the message is stored. */
  private static final String BROKER_HEADER_PREFIX = "Nats-";

  /** The CloudEvent attributes a payload names, even when the event itself is not valid. */
  public record CloudEventRef(String id, String type) {}

  public DeadLetter {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    headers = Collections.unmodifiableMap(copy);
    payload = payload == null ? new byte[0] : payload;
  }

  static DeadLetter of(long sequence, Headers headers, byte[] payload) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    if (headers != null) headers.entrySet().forEach(e -> map.put(e.getKey(), new ArrayList<>(e.getValue())));
    return new DeadLetter(sequence, map, payload);
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The durable name of the consumer that failed the message. */
  public String consumer() {
    return header(DeadLetters.CONSUMER);
  }

  public String error() {
    return header(DeadLetters.ERROR);
  }

  public long deliveries() {
    return number(DeadLetters.DELIVERIES);
  }

  /** When it was dead-lettered (ISO-8601), as the dead-lettering consumer wrote it. */
  public String time() {
    return header(DeadLetters.TIME);
  }

  /** The stream the failed message is in. */
  public String stream() {
    return header(DeadLetters.STREAM);
  }

  public long streamSequence() {
    return number(DeadLetters.STREAM_SEQ);
  }

  /** The subject the failed message was published on; its last token is the order id (or SKU). */
  public String subject() {
    return header(DeadLetters.SUBJECT);
  }

  /** The order the failed message was about: its subject's last token, when that is an order id. */
  public Optional<String> orderId() {
    String subject = subject();
    if (subject == null) return Optional.empty();
    String last = io.orderflow.codecs.Subjects.lastToken(subject);
    return io.orderflow.codecs.Ids.isOrderId(last) ? Optional.of(last) : Optional.empty();
  }

  /**
   * The event consumer that failed it. A replay consumer counts as the event consumer it replays to, so a
   * dead letter that failed again after a replay can be replayed again.
   */
  public Optional<Topology.ConsumerSpec> eventConsumer() {
    String durable = consumer();
    if (durable == null) return Optional.empty();
    for (Topology.ConsumerSpec spec : Topology.EVENT_CONSUMERS) {
      if (spec.durable().equals(durable) || Topology.replayOf(spec).durable().equals(durable)) return Optional.of(spec);
    }
    return Optional.empty();
  }

  /** The headers the failed message carried: without the dead-letter headers and the broker's directives. */
  public Map<String, List<String>> originalHeaders() {
    Map<String, List<String>> original = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      if (!startsWithIgnoreCase(name, DLQ_HEADER_PREFIX) && !startsWithIgnoreCase(name, BROKER_HEADER_PREFIX)) original.put(name, values);
    });
    return Collections.unmodifiableMap(original);
  }

  /** The payload as an event, when it is a valid one. */
  public Optional<Envelope> event() {
    return EventCodec.decode(payload) instanceof Decoded.Ok ok ? Optional.of(ok.envelope()) : Optional.empty();
  }

  /** The id and type the payload names when it is a CloudEvent, valid or not (an unknown type still has an id). */
  public Optional<CloudEventRef> cloudEvent() {
    try {
      JsonNode root = EventCodec.mapper().readTree(payload);
      if (root == null || !root.isObject() || !Envelope.SPEC_VERSION.equals(text(root, "specversion"))) return Optional.empty();
      String id = text(root, "id");
      String type = text(root, "type");
      return id == null && type == null ? Optional.empty() : Optional.of(new CloudEventRef(id, type));
    } catch (IOException e) {
      // not JSON: a dead letter may be anything
      return Optional.empty();
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n != null && n.isTextual() ? n.asText() : null;
  }

  private long number(String header) {
    String v = header(header);
    if (v == null) return 0;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0; // written by hand or by another tool: shown as unknown
    }
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
