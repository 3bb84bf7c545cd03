package io.orderflow.runtime.messaging;

import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.deadletter.DeadLetters;
import io.orderflow.runtime.telemetry.ConsumerMetrics;
import io.orderflow.runtime.telemetry.DeliveryTelemetry;
import io.nats.client.ConsumeOptions;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one durable pull consumer (and its replay consumer, which receives only what the DLQ admin sends
 * back to it): jnats delivers on its own threads, each message hops onto this verticle's (worker) context,
 * is decoded and handed to the handler; the message is acked only after the handler's future succeeds.
 * Undecodable messages and messages that keep failing go to the DLQ and are terminated, so they never loop
 * or block the messages behind them. A {@link EventHandler.RetryLater} (an outage: not the message's
 * fault) never counts towards dead-lettering. The in-flight count is bounded by MaxAckPending and the
 * small pull batch. A watchdog restarts a consumer that went silent while work is pending (jnats'
 * consume() can stay idle after a failed re-subscribe). Each delivery is recorded by {@link DeliveryTelemetry}:
 * a CONSUMER span parented on its publisher's span, its outcome counted, and a line at DEBUG.
 */
public final class ConsumerRunner extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRunner.class);
  private static final long BROKER_OUTAGE_RETRY_MILLIS = 1_000;

  /** How the runner pulls and retries; see {@code consumer.*} settings. */
  public record Options(int batchSize, int maxAttempts, int maxDeliver, Duration ackWait, Duration baseBackoff,
                        Duration maxBackoff, Duration drainTimeout, Duration watchdog) {
    public static Options from(Settings s) {
      var consumer = Provisioner.ConsumerSettings.from(s);
      return new Options(s.integer("consumer.batch", 64), s.integer("consumer.max-attempts", 10),
          consumer.maxDeliver(), consumer.ackWait(),
          s.duration("consumer.backoff", Duration.ofMillis(200)), s.duration("consumer.max-backoff", Duration.ofSeconds(10)),
          ServiceHost.shutdownTimeout(s).dividedBy(2), s.duration("consumer.watchdog", Duration.ofSeconds(15)));
    }
  }

  private final JetStreamBridge bridge;
  private final Topology.ConsumerSpec spec;
  private final List<Topology.ConsumerSpec> sources;
  private final EventHandler handler;
  private final Options options;
  private final DeadLetters deadLetters;
  private final DeliveryTelemetry telemetry;
  private final List<MessageConsumer> consumers = new ArrayList<>();
  /** Per stream sequence: how many deliveries ended in RetryLater (an outage), so they are not counted as failures. */
  private final Map<Long, Integer> waits = new HashMap<>();
  private Context context;
  private int inFlight;
  private boolean stopping;
  private boolean paused;
  private long lastMessageAt = System.currentTimeMillis();
  private Promise<Void> drained;

  public ConsumerRunner(JetStreamBridge bridge, Topology.ConsumerSpec spec, Options options, EventHandler handler) {
    this.bridge = bridge;
    this.spec = spec;
    this.sources = Topology.EVENT_CONSUMERS.contains(spec) ? List.of(spec, Topology.replayOf(spec)) : List.of(spec);
    this.options = options;
    this.handler = handler;
    this.deadLetters = new DeadLetters(bridge);
    this.telemetry = new DeliveryTelemetry(bridge.telemetry(), spec.durable());
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    vertx.setPeriodic(options.watchdog().toMillis(), id -> watchdog());
    return pull().onSuccess(v -> LOG.info("consuming {} on {} ({})", spec.durable(), spec.stream(), spec.filter()));
  }

  /** Stops pulling without settling anything: messages wait in the stream (e.g. while a circuit breaker is open). */
  public void pause() {
    context.runOnContext(v -> {
      if (paused || stopping) return;
      paused = true;
      LOG.info("{}: paused", spec.durable());
      stopPulling();
    });
  }

  public void resume() {
    context.runOnContext(v -> {
      if (!paused || stopping) return;
      paused = false;
      LOG.info("{}: resumed", spec.durable());
      pull();
    });
  }

  /**
   * Stops pulling, then waits (bounded) for in-flight messages to be settled. Messages jnats had already
   * pulled arrive after the stop: they are NAK'd at once so another instance takes them.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    return stopPulling().compose(v -> {
      Promise<Void> p = Promise.promise();
      if (inFlight == 0) return Future.succeededFuture();
      drained = p;
      // Bounded: a handler that never completes must not hold the process; its message is redelivered.
      vertx.setTimer(options.drainTimeout().toMillis(), id -> {
        if (p.tryComplete()) LOG.warn("{}: stopped with {} message(s) still in flight", spec.durable(), inFlight);
      });
      return p.future();
    });
  }

  private Future<Void> pull() {
    return bridge.blocking(() -> {
      List<MessageConsumer> started = new ArrayList<>();
      for (Topology.ConsumerSpec source : sources) {
        var cc = bridge.connection().getConsumerContext(source.stream(), source.durable());
        started.add(cc.consume(ConsumeOptions.builder().batchSize(options.batchSize()).build(),
            msg -> context.runOnContext(v -> handle(msg))));
      }
      return started;
    }).map(started -> {
      consumers.addAll(started);
      lastMessageAt = System.currentTimeMillis();
      return null;
    });
  }

  private Future<Void> stopPulling() {
    List<MessageConsumer> running = List.copyOf(consumers);
    consumers.clear();
    if (running.isEmpty()) return Future.succeededFuture();
    return bridge.blocking(() -> {
      for (MessageConsumer c : running) c.stop();
      return null;
    });
  }

  /** Restarts pulling when the consumer has work pending but nothing arrived for a while. */
  private void watchdog() {
    if (paused || stopping || consumers.isEmpty() || inFlight > 0) return;
    if (System.currentTimeMillis() - lastMessageAt < options.watchdog().toMillis()) return;
    bridge.blocking(() -> bridge.management().getConsumerInfo(spec.stream(), spec.durable()).getNumPending())
        .onSuccess(pending -> {
          if (pending == 0 || paused || stopping || System.currentTimeMillis() - lastMessageAt < options.watchdog().toMillis()) return;
          LOG.warn("{}: {} message(s) pending but nothing delivered for {} s: restarting the consumer",
              spec.durable(), pending, options.watchdog().toSeconds());
          stopPulling().onComplete(ar -> pull());
        });
  }

  private void handle(Message msg) {
    lastMessageAt = System.currentTimeMillis();
    if (stopping || paused) {
      msg.nak();
      return;
    }
    inFlight++;
    var meta = msg.metaData();
    // Slow work (a gateway call under load, a mail) tells the server it is still alive, so AckWait does
    // not hand the message to another instance while this one is still handling it.
    long heartbeat = vertx.setPeriodic(Math.max(200, options.ackWait().toMillis() / 3), id -> {
      try {
        msg.inProgress();
      } catch (IllegalStateException e) {
        // the connection is closing or reconnecting: the server redelivers after AckWait if we never settle
      }
    });
    Decoded decoded = EventCodec.decode(msg.getData());
    Envelope event = decoded instanceof Decoded.Ok ok ? ok.envelope() : null;
    String parent = msg.getHeaders() == null ? null : msg.getHeaders().getFirst(JetStreamBridge.TRACEPARENT);
    if (parent == null && event != null) parent = event.traceparent();
    var handling = telemetry.start(msg, parent, event == null ? null : event.orderId(), event == null ? null : event.id(),
        event == null ? "undecodable message" : event.type().ceType());
    Future<ConsumerMetrics.Outcome> outcome;
    try (var log = handling.log()) {
      outcome = switch (decoded) {
        case Decoded.Failed f -> deadLetter(msg, f.error().kind() + ": " + f.error().detail());
        case Decoded.Ok ok -> {
          // The handler sees the event in its handling span's context: what it publishes continues the trace.
          String traceparent = handling.traceparent();
          Envelope seen = traceparent == null ? ok.envelope() : ok.envelope().withTraceparent(traceparent);
          Future<Void> f;
          try {
            f = handler.handle(new Delivery(seen, msg.getData(), meta.deliveredCount(), meta.streamSequence()));
          } catch (RuntimeException e) {
            f = Future.failedFuture(e);
          }
          // Handlers may complete on another context (a ledger's, a mailer's): settle back on ours, where
          // the in-flight count lives.
          Promise<ConsumerMetrics.Outcome> settled = Promise.promise();
          f.onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed()) handling.failed(ar.cause());
            try (var again = ar.failed() ? handling.log() : null) {
              settle(msg, ar.succeeded() ? null : ar.cause()).onComplete(settled);
            } catch (RuntimeException e) {
              settled.tryFail(e); // ack/nak on a closed connection: never strand the in-flight count
            }
          }));
          yield settled.future();
        }
      };
    }
    outcome.onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(heartbeat);
      if (ar.failed()) {
        try (var log = handling.log()) {
          LOG.warn("{}: could not settle message {}: {}", spec.durable(), msg.getSubject(), ar.cause().toString());
        }
      }
      handling.finish(ar.succeeded() ? ar.result() : ConsumerMetrics.Outcome.FAILED);
      if (--inFlight == 0 && drained != null) drained.tryComplete();
    }));
  }

  private Future<ConsumerMetrics.Outcome> settle(Message msg, Throwable failure) {
    long seq = msg.metaData().streamSequence();
    if (failure == null) {
      waits.remove(seq);
      msg.ack();
      return Future.succeededFuture(ConsumerMetrics.Outcome.PROCESSED);
    }
    if (failure instanceof EventHandler.RetryLater || JetStreamBridge.isBrokerOutage(failure)) {
      // An outage (the broker or a dependency), not the message's fault: it waits and is not counted.
      if (waits.size() > 100_000) waits.clear(); // settled elsewhere (another instance); forgetting only adds attempts
      waits.merge(seq, 1, Integer::sum);
      long delay = failure instanceof EventHandler.RetryLater r ? r.delayMillis() : BROKER_OUTAGE_RETRY_MILLIS;
      msg.nakWithDelay(Duration.ofMillis(delay));
      return Future.succeededFuture(ConsumerMetrics.Outcome.DEFERRED);
    }
    long delivered = msg.metaData().deliveredCount();
    long attempts = delivered - waits.getOrDefault(seq, 0);
    boolean serverGivesUp = options.maxDeliver() > 0 && delivered >= options.maxDeliver() - 1;
    if (attempts >= options.maxAttempts() || serverGivesUp) {
      // Dead-letter before the server's MaxDeliver, which would drop the message silently.
      LOG.error("{}: {} failed {} times, dead-lettering: {}", spec.durable(), msg.getSubject(), attempts, failure.toString());
      waits.remove(seq);
      return deadLetter(msg, failure.toString());
    }
    LOG.warn("{}: {} failed (attempt {}), retrying: {}", spec.durable(), msg.getSubject(), attempts, failure.toString());
    msg.nakWithDelay(backoff(attempts));
    return Future.succeededFuture(ConsumerMetrics.Outcome.FAILED);
  }

  private Future<ConsumerMetrics.Outcome> deadLetter(Message msg, String error) {
    Future<io.nats.client.api.PublishAck> published;
    try {
      published = deadLetters.deadLetter(spec, msg, error);
    } catch (RuntimeException e) {
      published = Future.failedFuture(e); // never strand an in-flight message on a synchronous failure
    }
    return published
        .onSuccess(ack -> msg.term())
        .onFailure(e -> msg.nakWithDelay(options.maxBackoff()))
        .map(ack -> ConsumerMetrics.Outcome.DEAD_LETTERED);
  }

  /** Exponential backoff with full jitter, capped. */
  private Duration backoff(long attempt) {
    long base = options.baseBackoff().toMillis() << Math.min(Math.max(attempt - 1, 0), 16);
    long capped = Math.min(base, options.maxBackoff().toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
