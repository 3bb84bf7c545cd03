package io.orderflow.runtime.deadletter;

import io.nats.client.Message;
import io.orderflow.runtime.Backoff;
import io.orderflow.runtime.messaging.ConsumerRunner;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.telemetry.ConsumerMetrics;
import io.orderflow.runtime.telemetry.DeliveryTelemetry;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer of the DLQ stream does with a delivery. Dead letters are not necessarily valid events, so
 * nothing is decoded: the handler gets each {@link DeadLetter} as it is. It is acked after the handler's
 * future succeeded, or NAK'd with backoff: a failure here is an outage, never the message's fault (there is
 * no DLQ for the DLQ). Pulling, pausing, the watchdog and draining are the {@link ConsumerRunner}'s.
 */
public final class DeadLetterDeliveries implements ConsumerRunner.Handling {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeliveries.class);

  private final ConsumerRunner.Options options;
  private final DeadLetterHandler handler;
  private final DeliveryTelemetry telemetry;
  private final Backoff backoff;

  private DeadLetterDeliveries(ConsumerRunner.Options options, DeadLetterHandler handler, DeliveryTelemetry telemetry) {
    this.options = options;
    this.handler = handler;
    this.telemetry = telemetry;
    this.backoff = new Backoff(options.baseBackoff(), options.maxBackoff());
  }

  /** A runner following a consumer of the DLQ stream; deploy it on a worker context. */
  public static ConsumerRunner runner(JetStreamBridge bridge, Topology.ConsumerSpec spec, ConsumerRunner.Options options,
                                      DeadLetterHandler handler) {
    if (!spec.stream().equals(Topology.DLQ)) throw new IllegalArgumentException(spec.durable() + " does not consume the DLQ stream");
    var telemetry = new DeliveryTelemetry(bridge.telemetry(), spec.durable());
    return new ConsumerRunner(bridge, spec, options, new DeadLetterDeliveries(options, handler, telemetry));
  }

  @Override
  public Future<ConsumerMetrics.Outcome> handle(ConsumerRunner.Source source, Message msg) {
    long delivered = msg.metaData().deliveredCount();
    DeadLetter letter = DeadLetter.of(msg.metaData().streamSequence(), msg.getHeaders(), msg.getData());
    var handling = telemetry.start(msg, letter.header(JetStreamBridge.TRACEPARENT), letter.orderId().orElse(null),
        letter.cloudEvent().map(DeadLetter.CloudEventRef::id).orElse(null), "dead letter of " + letter.consumer());
    Future<Void> outcome;
    try (var log = handling.log()) {
      outcome = handler.handle(letter, handling.traceparent());
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.transform(ar -> {
      if (ar.succeeded()) {
        msg.ack();
        return Future.succeededFuture(ConsumerMetrics.Outcome.PROCESSED);
      }
      handling.failed(ar.cause());
      try (var log = handling.log()) {
        if (options.maxDeliver() > 0 && delivered >= options.maxDeliver() - 1) {
          LOG.error("{}: dead letter {} ({}) failed {} times; the server drops it at MaxDeliver: {}", source.spec().durable(),
              letter.sequence(), letter.subject(), delivered, ar.cause().toString());
        } else {
          LOG.warn("{}: dead letter {} ({}) failed (attempt {}), retrying: {}", source.spec().durable(), letter.sequence(),
              letter.subject(), delivered, ar.cause().toString());
        }
      }
      msg.nakWithDelay(backoff.after(delivered));
      return Future.succeededFuture(ConsumerMetrics.Outcome.FAILED);
    }).onComplete(ar -> handling.finish(ar.succeeded() ? ar.result() : ConsumerMetrics.Outcome.FAILED));
  }
}
