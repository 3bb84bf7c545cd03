package io.orderflow.codecs;

import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event in structured mode: the attributes plus the typed data.
 * {@code causationid} (an extension attribute) is the id of the event this one reacts to, so audit can
 * keep each order's entries in causal order; {@code traceparent} is the distributed-tracing extension (the
 * W3C context of the span that published the event); {@code deliveryattempt} says on which delivery of its
 * cause the event was made (0: not made from a delivery), so an order's timeline shows where work was retried.
 */
public record Envelope(String id, EventType type, String subject, Instant time, String traceparent,
                       String causationId, int deliveryAttempt, Event data) {
  public static final String SPEC_VERSION = "1.0";
  public static final String CONTENT_TYPE = "application/cloudevents+json";

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
    if (!type.dataClass().isInstance(data)) throw new IllegalArgumentException(type + " cannot carry " + data.getClass().getSimpleName());
    if (!data.subject().equals(subject)) throw new IllegalArgumentException("subject " + subject + " is not the data's " + data.subject());
    if (deliveryAttempt < 0) throw new IllegalArgumentException("deliveryattempt must not be negative");
  }

  /** An order event with its deterministic id (or a random one for events that are not about an order). */
  public static Envelope of(Event data, Instant time, String traceparent, String causationId) {
    return of(data, time, new Cause(causationId, traceparent, 0));
  }

  /** An event made in reaction to {@code cause}. */
  public static Envelope of(Event data, Instant time, Cause cause) {
    EventType type = EventType.of(data);
    // Stock sets and breaker transitions happen many times per subject: they get random ids.
    String id = data instanceof Event.StockSet || data instanceof Event.BreakerChanged
        ? Ids.randomEventId() : Ids.eventId(data.subject(), type);
    return new Envelope(id, type, data.subject(), time, cause.traceparent(), cause.eventId(), cause.deliveryAttempt(), data);
  }

  /** The same event in another trace context: the publisher's span, or the consumer's span that handles it. */
  public Envelope withTraceparent(String newTraceparent) {
    return new Envelope(id, type, subject, time, newTraceparent, causationId, deliveryAttempt, data);
  }

  /** What an event made in reaction to this one, on its {@code attempt}-th delivery, names as its cause. */
  public Cause asCause(long attempt) {
    return Cause.afterDeliveries(id, traceparent, attempt);
  }

  /** The order this event belongs to, or null for an event that is not about an order. */
  public String orderId() {
    return type.isOrderEvent() ? subject : null;
  }

  public String source() {
    return type.source();
  }

  public String natsSubject() {
    return type.natsSubject(subject);
  }
}
