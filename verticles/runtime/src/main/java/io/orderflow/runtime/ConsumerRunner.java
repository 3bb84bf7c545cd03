package io.orderflow.runtime;

import io.nats.client.ConsumerContext;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.ConsumeOptions;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.EventCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one durable pull consumer: jnats delivers on its own threads, each message hops onto this
 * verticle's (worker) context, is decoded and handed to the handler; the message is acked only after the
 * handler's future succeeds. Undecodable messages and messages that keep failing go to the DLQ and are
 * terminated, so they never loop or block the messages behind them. The in-flight count is bounded by the
 * consumer's MaxAckPending and the small pull batch.
 */
public final class ConsumerRunner extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRunner.class);

  /** How the runner pulls and retries; see {@code consumer.*} settings. */
  public record Options(int batchSize, int maxAttempts, int maxDeliver, Duration baseBackoff, Duration maxBackoff,
                        Duration drainTimeout) {
    public static Options from(Settings s) {
      return new Options(s.integer("consumer.batch", 64), s.integer("consumer.max-attempts", 10),
          Provisioner.ConsumerSettings.from(s).maxDeliver(),
          s.duration("consumer.backoff", Duration.ofMillis(200)), s.duration("consumer.max-backoff", Duration.ofSeconds(10)),
          ServiceHost.shutdownTimeout(s).dividedBy(2));
    }
  }

  private final JetStreamBridge bridge;
  private final Topology.ConsumerSpec spec;
  private final EventHandler handler;
  private final Options options;
  private final DeadLetters deadLetters;
  private MessageConsumer consumer;
  private Context context;
  private int inFlight;
  private boolean stopping;
  private Promise<Void> drained;

  public ConsumerRunner(JetStreamBridge bridge, Topology.ConsumerSpec spec, Options options, EventHandler handler) {
    this.bridge = bridge;
    this.spec = spec;
    this.options = options;
    this.handler = handler;
    this.deadLetters = new DeadLetters(bridge);
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return bridge.blocking(() -> {
      ConsumerContext cc = bridge.connection().getConsumerContext(spec.stream(), spec.durable());
      consumer = cc.consume(ConsumeOptions.builder().batchSize(options.batchSize()).build(),
          msg -> context.runOnContext(v -> handle(msg)));
      LOG.info("consuming {} on {} ({}), deployment {}", spec.durable(), spec.stream(), spec.filter(), context.deploymentID());
      return null;
    });
  }

  /**
   * Stops pulling, then waits (bounded) for in-flight messages to be settled. Messages jnats had already
   * pulled arrive after the stop: they are NAK'd at once so another instance takes them.
   */
  @Override
  public Future<?> stop() {
    if (consumer == null) return Future.succeededFuture();
    stopping = true;
    return bridge.blocking(() -> {
      consumer.stop();
      return null;
    }).compose(v -> {
      Promise<Void> p = Promise.promise();
      context.runOnContext(x -> {
        if (inFlight == 0) {
          p.complete();
          return;
        }
        drained = p;
        // Bounded: a handler that never completes must not hold the process; its message is redelivered.
        vertx.setTimer(options.drainTimeout().toMillis(), id -> {
          if (p.tryComplete()) LOG.warn("{}: stopped with {} message(s) still in flight", spec.durable(), inFlight);
        });
      });
      return p.future();
    });
  }

  private void handle(Message msg) {
    if (stopping) {
      msg.nak();
      return;
    }
    inFlight++;
    Decoded decoded = EventCodec.decode(msg.getData());
    Future<Void> outcome = switch (decoded) {
      case Decoded.Failed f -> deadLetter(msg, f.error().kind() + ": " + f.error().detail());
      case Decoded.Ok ok -> {
        var meta = msg.metaData();
        Future<Void> f;
        try {
          f = handler.handle(new Delivery(ok.envelope(), msg.getData(), meta.deliveredCount(), meta.streamSequence()));
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        // Handlers may complete on another context (a ledger's, a mailer's): settle back on ours, where
        // the in-flight count lives.
        Promise<Void> settled = Promise.promise();
        f.onComplete(ar -> context.runOnContext(v -> settle(msg, ar.succeeded() ? null : ar.cause()).onComplete(settled)));
        yield settled.future();
      }
    };
    outcome.onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) LOG.warn("{}: could not settle message {}: {}", spec.durable(), msg.getSubject(), ar.cause().toString());
      if (--inFlight == 0 && drained != null) drained.tryComplete();
    }));
  }

  private Future<Void> settle(Message msg, Throwable failure) {
    if (failure == null) {
      msg.ack();
      return Future.succeededFuture();
    }
    long delivered = msg.metaData().deliveredCount();
    if (delivered >= options.maxDeliver() - 1) {
      // The server gives up after MaxDeliver and would drop the message silently: dead-letter it first.
      LOG.error("{}: {} delivered {} times, dead-lettering: {}", spec.durable(), msg.getSubject(), delivered, failure.toString());
      return deadLetter(msg, failure.toString());
    }
    if (failure instanceof EventHandler.RetryLater r) {
      msg.nakWithDelay(Duration.ofMillis(r.delayMillis()));
      return Future.succeededFuture();
    }
    if (delivered >= options.maxAttempts()) {
      LOG.error("{}: {} failed {} times, dead-lettering: {}", spec.durable(), msg.getSubject(), delivered, failure.toString());
      return deadLetter(msg, failure.toString());
    }
    LOG.warn("{}: {} failed (attempt {}), retrying: {}", spec.durable(), msg.getSubject(), delivered, failure.toString());
    msg.nakWithDelay(backoff(delivered));
    return Future.succeededFuture();
  }

  private Future<Void> deadLetter(Message msg, String error) {
    return deadLetters.deadLetter(spec, msg, error)
        .onSuccess(ack -> msg.term())
        .onFailure(e -> msg.nakWithDelay(options.maxBackoff()))
        .mapEmpty();
  }

  /** Exponential backoff with full jitter, capped. */
  private Duration backoff(long attempt) {
    long base = options.baseBackoff().toMillis() << Math.min(attempt - 1, 16);
    long capped = Math.min(base, options.maxBackoff().toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
