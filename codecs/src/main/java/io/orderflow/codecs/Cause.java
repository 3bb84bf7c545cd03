package io.orderflow.codecs;

/**
 * What a new event reacts to: the id of the event that caused it ({@code causationid}), the trace it
 * continues ({@code traceparent}), and on which delivery of that cause it was made ({@code deliveryattempt}:
 * 1 the first time, more after redeliveries). An event that starts a flow (an HTTP request) has only a trace.
 */
public record Cause(String eventId, String traceparent, int deliveryAttempt) {
  public static final Cause NONE = new Cause(null, null, 0);

  public Cause {
    if (deliveryAttempt < 0) throw new IllegalArgumentException("deliveryAttempt must not be negative");
  }

  /** Caused by event {@code eventId} on its {@code deliveries}-th delivery (a broker count, clamped to an int). */
  public static Cause afterDeliveries(String eventId, String traceparent, long deliveries) {
    return new Cause(eventId, traceparent, (int) Math.min(Integer.MAX_VALUE, Math.max(0, deliveries)));
  }

  /** A flow that starts here, in the trace of {@code traceparent} (null: none). */
  public static Cause trace(String traceparent) {
    return new Cause(null, traceparent, 0);
  }
}
