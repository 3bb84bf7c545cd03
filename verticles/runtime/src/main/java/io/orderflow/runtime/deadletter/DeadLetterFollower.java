package io.orderflow.runtime.deadletter;

import io.orderflow.runtime.Backoff;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.ConsumerRunner;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.telemetry.ConsumerMetrics;
import io.orderflow.runtime.telemetry.DeliveryTelemetry;
import io.nats.client.ConsumeOptions;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a durable pull consumer of the DLQ stream. Dead letters are not necessarily valid events, so
 * unlike {@link ConsumerRunner} nothing is decoded: the handler gets each {@link DeadLetter} as it is. jnats
 * delivers on its own threads; each message hops onto this verticle's (worker) context and is acked after
 * the handler's future succeeded, or NAK'd with backoff (a failure here is an outage, never the message's
 * fault: there is no DLQ for the DLQ). Deploy it on a worker context.
 */
public final class DeadLetterFollower extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFollower.class);

  @FunctionalInterface
  public interface Handler {
    /** {@code traceparent}: this handling's span, in the trace of the message that failed; events made here continue it. */
    Future<Void> handle(DeadLetter letter, String traceparent);
  }

  /** How the follower pulls and retries: the {@code consumer.*} settings every consumer uses. */
  public record Options(int batchSize, int maxDeliver, Backoff backoff, Duration drainTimeout, Duration watchdog) {
    public static Options from(Settings s) {
      return new Options(s.integer("consumer.batch", 64), Provisioner.ConsumerSettings.from(s).maxDeliver(),
          new Backoff(s.duration("consumer.backoff", Duration.ofMillis(200)), s.duration("consumer.max-backoff", Duration.ofSeconds(10))),
          ServiceHost.shutdownTimeout(s).dividedBy(2), s.duration("consumer.watchdog", Duration.ofSeconds(15)));
    }
  }

  private final JetStreamBridge bridge;
  private final Topology.ConsumerSpec spec;
  private final Options options;
  private final Handler handler;
  private final DeliveryTelemetry telemetry;
  private MessageConsumer consumer;
  private Context context;
  private int inFlight;
  private boolean stopping;
  private long lastMessageAt = System.currentTimeMillis();
  private Promise<Void> drained;

  public DeadLetterFollower(JetStreamBridge bridge, Topology.ConsumerSpec spec, Options options, Handler handler) {
    if (!spec.stream().equals(Topology.DLQ)) throw new IllegalArgumentException(spec.durable() + " does not consume the DLQ stream");
    this.bridge = bridge;
    this.spec = spec;
    this.options = options;
    this.handler = handler;
    this.telemetry = new DeliveryTelemetry(bridge.telemetry(), spec.durable());
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    vertx.setPeriodic(options.watchdog().toMillis(), id -> watchdog());
    return pull().onSuccess(v -> LOG.info("following dead letters with {} ({})", spec.durable(), spec.filter()));
  }

  /** Stops pulling, then waits (bounded) for in-flight dead letters to be settled. */
  @Override
  public Future<?> stop() {
    stopping = true;
    return stopPulling().compose(v -> {
      if (inFlight == 0) return Future.succeededFuture();
      Promise<Void> p = Promise.promise();
      drained = p;
      // Bounded: an unsettled dead letter is simply delivered again, to this or another instance.
      vertx.setTimer(options.drainTimeout().toMillis(), id -> {
        if (p.tryComplete()) LOG.warn("{}: stopped with {} dead letter(s) in flight", spec.durable(), inFlight);
      });
      return p.future();
    });
  }

  private Future<Void> pull() {
    return bridge.blocking(() -> bridge.connection().getConsumerContext(spec.stream(), spec.durable())
            .consume(ConsumeOptions.builder().batchSize(options.batchSize()).build(), msg -> context.runOnContext(v -> handle(msg))))
        .map(started -> {
          consumer = started;
          lastMessageAt = System.currentTimeMillis();
          return null;
        });
  }

  private Future<Void> stopPulling() {
    MessageConsumer running = consumer;
    consumer = null;
    if (running == null) return Future.succeededFuture();
    return bridge.blocking(() -> {
      running.stop();
      return null;
    });
  }

  /**
   * Restarts pulling when dead letters are pending but nothing arrived for a while: jnats' consume() can
   * stay idle after a failed re-subscribe.
   */
  private void watchdog() {
    if (stopping || consumer == null || inFlight > 0 || System.currentTimeMillis() - lastMessageAt < options.watchdog().toMillis()) return;
    bridge.blocking(() -> bridge.management().getConsumerInfo(spec.stream(), spec.durable()).getNumPending())
        .onSuccess(pending -> {
          if (pending == 0 || stopping || consumer == null || System.currentTimeMillis() - lastMessageAt < options.watchdog().toMillis()) return;
          LOG.warn("{}: {} dead letter(s) pending but nothing delivered for {} s: restarting the consumer",
              spec.durable(), pending, options.watchdog().toSeconds());
          stopPulling().onComplete(ar -> pull());
        });
  }

  private void handle(Message msg) {
    lastMessageAt = System.currentTimeMillis();
    if (stopping) {
      msg.nak();
      return;
    }
    inFlight++;
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
    // The handler may complete on another context: settle on ours, where the in-flight count lives.
    outcome.onComplete(ar -> context.runOnContext(v -> {
      try {
        if (ar.succeeded()) {
          msg.ack();
        } else {
          handling.failed(ar.cause());
          try (var log = handling.log()) {
            if (options.maxDeliver() > 0 && delivered >= options.maxDeliver() - 1) {
              LOG.error("{}: dead letter {} ({}) failed {} times; the server drops it at MaxDeliver: {}", spec.durable(),
                  letter.sequence(), letter.subject(), delivered, ar.cause().toString());
            } else {
              LOG.warn("{}: dead letter {} ({}) failed (attempt {}), retrying: {}", spec.durable(), letter.sequence(),
                  letter.subject(), delivered, ar.cause().toString());
            }
          }
          msg.nakWithDelay(options.backoff().after(delivered));
        }
      } catch (RuntimeException e) {
        // ack/nak on a closed connection: the dead letter is delivered again; the in-flight count must still drop
        LOG.warn("{}: could not settle dead letter {}: {}", spec.durable(), letter.sequence(), e.toString());
      }
      handling.finish(ar.succeeded() ? ConsumerMetrics.Outcome.PROCESSED : ConsumerMetrics.Outcome.FAILED);
      if (--inFlight == 0 && drained != null) drained.tryComplete();
    }));
  }
}
