package io.orderflow.runtime.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.orderflow.codecs.Envelope;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts what is known about the work at hand into the logging MDC for one synchronous stretch (a handler
 * call, a settle, a request's end), so JSON log lines carry {@code service}, {@code order_id},
 * {@code event_id}, {@code trace_id} and {@code span_id}; closing restores what was there before.
 * The MDC is per thread, and Vert.x continues work on other threads: set it where the line is written.
 */
public final class LogContext implements AutoCloseable {
  public static final String SERVICE = "service";
  public static final String ORDER_ID = "order_id";
  public static final String EVENT_ID = "event_id";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  private final Map<String, String> previous = new HashMap<>(8);

  private LogContext() {}

  public static LogContext of(String service, Span span, String orderId, String eventId) {
    LogContext c = new LogContext();
    c.put(SERVICE, service);
    c.put(ORDER_ID, orderId);
    c.put(EVENT_ID, eventId);
    SpanContext sc = span == null ? SpanContext.getInvalid() : span.getSpanContext();
    if (sc.isValid()) {
      c.put(TRACE_ID, sc.getTraceId());
      c.put(SPAN_ID, sc.getSpanId());
    }
    return c;
  }

  /**
   * The context of work done for one event, from the event itself: its order, its id, and the trace and span
   * its {@code traceparent} names (for a delivered event, the handling span). The service comes from the
   * logger's package.
   */
  public static LogContext of(Envelope event) {
    return ofTrace(event.traceparent(), event.orderId(), event.id());
  }

  /** The context of work in the trace a {@code traceparent} names, for an order and event where known. */
  public static LogContext ofTrace(String traceparent, String orderId, String eventId) {
    LogContext c = new LogContext();
    c.put(ORDER_ID, orderId);
    c.put(EVENT_ID, eventId);
    c.put(TRACE_ID, Tracing.traceId(traceparent));
    c.put(SPAN_ID, Tracing.spanId(traceparent));
    return c;
  }

  /** Runs {@code line} (a log call) within this context, then restores the previous one. */
  public void around(Runnable line) {
    try (this) {
      line.run();
    }
  }

  private void put(String key, String value) {
    if (value == null) return;
    previous.put(key, MDC.get(key));
    MDC.put(key, value);
  }

  @Override
  public void close() {
    previous.forEach((k, v) -> {
      if (v == null) MDC.remove(k);
      else MDC.put(k, v);
    });
  }
}
