package io.orderflow.runtime.messaging;

import io.nats.client.Message;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.orderflow.runtime.Backoff;
import io.orderflow.runtime.telemetry.ConsumerMetrics;
import io.orderflow.runtime.telemetry.DeliveryTelemetry;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an event consumer does with a delivery: decode it, hand it to the {@link EventHandler}, and settle it.
 * The message is acked only after the handler's future succeeded. A {@link EventHandler.RetryLater} or a
 * broker outage (not the message's fault) puts it back with a delay and is never counted. A real failure is
 * counted in {@link FailedAttempts} (shared by every instance, kept across restarts) and retried with
 * backoff; after the configured attempts, and at once for an undecodable message, it goes to the DLQ and is
 * terminated, so it never loops or blocks the messages behind it. Each delivery is recorded by
 * {@link DeliveryTelemetry}: a CONSUMER span parented on its publisher's span, its outcome counted, a DEBUG line.
 */
final class EventDeliveries implements ConsumerRunner.Handling {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRunner.class);
  private static final Duration BROKER_OUTAGE_RETRY = Duration.ofSeconds(1);

  private final ConsumerRunner.Options options;
  private final EventHandler handler;
  private final DeliveryTelemetry telemetry;
  private final DeadLetters deadLetters;
  private final FailedAttempts failures;
  private final Backoff backoff;

  EventDeliveries(JetStreamBridge bridge, ConsumerRunner.Options options, EventHandler handler, DeliveryTelemetry telemetry) {
    this.options = options;
    this.handler = handler;
    this.telemetry = telemetry;
    this.deadLetters = new DeadLetters(bridge);
    this.failures = new FailedAttempts(bridge);
    this.backoff = new Backoff(options.baseBackoff(), options.maxBackoff());
  }

  @Override
  public Future<ConsumerMetrics.Outcome> handle(ConsumerRunner.Source source, Message msg) {
    Decoded decoded = EventCodec.decode(msg.getData());
    Envelope event = decoded instanceof Decoded.Ok ok ? ok.envelope() : null;
    String parent = msg.getHeaders() == null ? null : msg.getHeaders().getFirst(JetStreamBridge.TRACEPARENT);
    if (parent == null && event != null) parent = event.traceparent();
    var handling = telemetry.start(msg, parent, event == null ? null : event.orderId(), event == null ? null : event.id(),
        event == null ? "undecodable message" : event.type().ceType());
    Future<ConsumerMetrics.Outcome> outcome;
    try (var log = handling.log()) {
      outcome = switch (decoded) {
        case Decoded.Failed f -> deadLetter(source, msg, f.error().kind() + ": " + f.error().detail());
        case Decoded.Ok ok when ok.envelope().type().misrouted(msg.getSubject(), ok.envelope().subject(), source.replay()) != null ->
            deadLetter(source, msg, "WRONG_SUBJECT: " + ok.envelope().type().misrouted(msg.getSubject(), ok.envelope().subject(), source.replay()));
        case Decoded.Ok ok -> {
          // The handler sees the event in its handling span's context: what it publishes continues the trace.
          String traceparent = handling.traceparent();
          Envelope seen = traceparent == null ? ok.envelope() : ok.envelope().withTraceparent(traceparent);
          var meta = msg.metaData();
          Future<Void> handled;
          try {
            handled = handler.handle(new Delivery(seen, msg.getData(), meta.deliveredCount(), meta.streamSequence(), source.replay()));
          } catch (RuntimeException e) {
            handled = Future.failedFuture(e);
          }
          yield handled.transform(ar -> {
            if (ar.failed()) handling.failed(ar.cause());
            try (var again = ar.failed() ? handling.log() : null) {
              return settle(source, msg, ar.failed() ? ar.cause() : null);
            } catch (RuntimeException e) {
              return Future.failedFuture(e); // ack/nak on a closed connection
            }
          });
        }
      };
    }
    return outcome.onComplete(ar -> handling.finish(ar.succeeded() ? ar.result() : ConsumerMetrics.Outcome.FAILED));
  }

  private Future<ConsumerMetrics.Outcome> settle(ConsumerRunner.Source source, Message msg, Throwable failure) {
    if (failure == null) {
      msg.ack();
      return Future.succeededFuture(ConsumerMetrics.Outcome.PROCESSED);
    }
    if (failure instanceof EventHandler.RetryLater || JetStreamBridge.isBrokerOutage(failure) || JetStreamBridge.isDuplicateInFlight(failure)) {
      // An outage (the broker or a dependency), or a twin of what the handler published being stored right
      // now by another instance: not the message's fault, it waits and is not counted.
      Duration delay = failure instanceof EventHandler.RetryLater r ? Duration.ofMillis(r.delayMillis()) : BROKER_OUTAGE_RETRY;
      msg.nakWithDelay(delay);
      return Future.succeededFuture(ConsumerMetrics.Outcome.DEFERRED);
    }
    long seq = msg.metaData().streamSequence();
    long delivered = msg.metaData().deliveredCount();
    return failures.record(source.spec(), seq).compose(attempts -> {
      boolean serverGivesUp = options.maxDeliver() > 0 && delivered >= options.maxDeliver() - 1;
      if (attempts >= options.maxAttempts() || serverGivesUp) {
        // Dead-letter before the server's MaxDeliver, which would drop the message silently.
        LOG.error("{}: {} failed {} times, dead-lettering: {}", source.spec().durable(), msg.getSubject(), attempts, failure.toString());
        return deadLetter(source, msg, failure.toString());
      }
      LOG.warn("{}: {} failed (attempt {}), retrying: {}", source.spec().durable(), msg.getSubject(), attempts, failure.toString());
      msg.nakWithDelay(backoff.after(attempts));
      return Future.succeededFuture(ConsumerMetrics.Outcome.FAILED);
    }, countFailed -> {
      // The count could not be written (the broker is out): retry without counting; nothing is lost.
      LOG.warn("{}: {} failed ({}) and the failure could not be counted: {}", source.spec().durable(), msg.getSubject(),
          failure.toString(), countFailed.toString());
      msg.nakWithDelay(BROKER_OUTAGE_RETRY);
      return Future.succeededFuture(ConsumerMetrics.Outcome.FAILED);
    });
  }

  private Future<ConsumerMetrics.Outcome> deadLetter(ConsumerRunner.Source source, Message msg, String error) {
    Future<io.nats.client.api.PublishAck> published;
    try {
      published = deadLetters.deadLetter(source.spec(), msg, error);
    } catch (RuntimeException e) {
      published = Future.failedFuture(e); // never strand an in-flight message on a synchronous failure
    }
    return published
        .onSuccess(ack -> msg.term())
        .onFailure(e -> msg.nakWithDelay(options.maxBackoff()))
        .map(ack -> ConsumerMetrics.Outcome.DEAD_LETTERED);
  }
}
