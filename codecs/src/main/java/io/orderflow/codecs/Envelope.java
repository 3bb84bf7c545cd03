package io.orderflow.codecs;

import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event in structured mode: the attributes plus the typed data.
 * {@code causationid} (an extension attribute) is the id of the event this one reacts to, so audit can
 * keep each order's entries in causal order; {@code traceparent} is the distributed-tracing extension.
 */
public record Envelope(String id, EventType type, String subject, Instant time, String traceparent,
                       String causationId, Event data) {
  public static final String SPEC_VERSION = "1.0";
  public static final String CONTENT_TYPE = "application/cloudevents+json";

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
    if (!type.dataClass().isInstance(data)) throw new IllegalArgumentException(type + " cannot carry " + data.getClass().getSimpleName());
    if (!data.subject().equals(subject)) throw new IllegalArgumentException("subject " + subject + " is not the data's " + data.subject());
  }

  /** An order event with its deterministic id (or a random one for events that are not about an order). */
  public static Envelope of(Event data, Instant time, String traceparent, String causationId) {
    EventType type = EventType.of(data);
    // Stock sets and breaker transitions happen many times per subject: they get random ids.
    String id = data instanceof Event.StockSet || data instanceof Event.BreakerChanged
        ? Ids.randomEventId() : Ids.eventId(data.subject(), type);
    return new Envelope(id, type, data.subject(), time, traceparent, causationId, data);
  }

  public String source() {
    return type.source();
  }

  public String natsSubject() {
    return type.natsSubject(subject);
  }
}
