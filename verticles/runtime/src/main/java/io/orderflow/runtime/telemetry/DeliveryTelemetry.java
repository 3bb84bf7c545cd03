package io.orderflow.runtime.telemetry;

import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.orderflow.runtime.telemetry.LogContext;
import io.orderflow.runtime.telemetry.MessagingAttributes;
import io.orderflow.runtime.telemetry.ServiceTelemetry;
import io.orderflow.runtime.telemetry.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every consumer records about a delivery it handles, written once for the event runner and the
 * dead-letter follower: a CONSUMER span parented on the publisher's span, the outcome counted
 * ({@link ConsumerMetrics}), and at DEBUG one line on {@code orderflow.messages} with the order id, event id
 * and trace id. Cheap when DEBUG is off: the log context is built only where a line is written.
 */
public final class DeliveryTelemetry {
  /** One line per handled message at DEBUG: off by default, cheap enough to turn on under load. */
  static final Logger MESSAGES = LoggerFactory.getLogger("orderflow.messages");

  private final ServiceTelemetry telemetry;
  private final String consumer;
  private final String spanName;
  private final ConsumerMetrics metrics;

  public DeliveryTelemetry(ServiceTelemetry telemetry, String consumer) {
    this.telemetry = telemetry;
    this.consumer = consumer;
    this.spanName = "process " + consumer;
    this.metrics = new ConsumerMetrics(telemetry.meters(), consumer);
  }

  /**
   * Starts recording one delivery. {@code parent}: the publisher's {@code traceparent}; {@code what}: the
   * event type (or what the message is) for the log line; order and event id where known.
   */
  public Handling start(Message msg, String parent, String orderId, String eventId, String what) {
    var meta = msg.metaData();
    metrics.received(meta.deliveredCount());
    Span span = telemetry.tracing().startConsumer(spanName, parent)
        .setAttribute(MessagingAttributes.SYSTEM, MessagingAttributes.NATS)
        .setAttribute(MessagingAttributes.OPERATION, "process")
        .setAttribute(MessagingAttributes.DESTINATION, msg.getSubject())
        .setAttribute(MessagingAttributes.CONSUMER_GROUP, consumer)
        .setAttribute(MessagingAttributes.DELIVERY_COUNT, meta.deliveredCount())
        .setAttribute(MessagingAttributes.STREAM_SEQUENCE, meta.streamSequence());
    if (eventId != null) span.setAttribute(MessagingAttributes.MESSAGE_ID, eventId);
    if (what != null) span.setAttribute(MessagingAttributes.EVENT_TYPE, what);
    if (orderId != null) span.setAttribute(MessagingAttributes.ORDER_ID, orderId);
    return new Handling(span, msg.getSubject(), meta.deliveredCount(), orderId, eventId, what);
  }

  /** One delivery being handled. */
  public final class Handling {
    private final Span span;
    private final String subject;
    private final long delivered;
    private final String orderId;
    private final String eventId;
    private final String what;
    private final long started = System.nanoTime();

    private Handling(Span span, String subject, long delivered, String orderId, String eventId, String what) {
      this.span = span;
      this.subject = subject;
      this.delivered = delivered;
      this.orderId = orderId;
      this.eventId = eventId;
      this.what = what;
    }

    /** The handling span's context: what the handler publishes continues the trace from here. */
    public String traceparent() {
      return Tracing.traceparent(span);
    }

    /** The MDC of this delivery for a stretch that logs (the handler's synchronous part, a warning). */
    public LogContext log() {
      return LogContext.of(telemetry.service(), span, orderId, eventId);
    }

    /** The handler failed: the span keeps why, whatever the settling makes of it. */
    public void failed(Throwable cause) {
      span.recordException(cause);
    }

    /** Counts the outcome, ends the span and writes the DEBUG line. */
    public void finish(ConsumerMetrics.Outcome outcome) {
      metrics.settled(outcome, started);
      span.setAttribute(MessagingAttributes.OUTCOME, outcome.label());
      if (outcome == ConsumerMetrics.Outcome.FAILED || outcome == ConsumerMetrics.Outcome.DEAD_LETTERED) span.setStatus(StatusCode.ERROR);
      span.end();
      if (MESSAGES.isDebugEnabled()) {
        try (var log = log()) {
          MESSAGES.debug("{} {} {} {} in {} ms (delivery {})", consumer, outcome.label(), what, subject,
              (System.nanoTime() - started) / 1_000_000, delivered);
        }
      }
    }
  }
}
