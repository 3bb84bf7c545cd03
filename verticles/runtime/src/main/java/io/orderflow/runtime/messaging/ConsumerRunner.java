package io.orderflow.runtime.messaging;

import io.nats.client.ConsumeOptions;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.ConsumerInfo;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.telemetry.ConsumerMetrics;
import io.orderflow.runtime.telemetry.DeliveryTelemetry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one durable pull consumer and, for an event consumer, its replay consumer (which receives only what
 * the DLQ admin sends back to it). jnats delivers on its own threads; each message hops onto this
 * verticle's (worker) context and is handed to a {@link Handling}, which settles it (ack, NAK, terminate).
 * The in-flight count is bounded by MaxAckPending and the small pull batch; while a message is handled the
 * runner sends in-progress acks, so slow work is not redelivered to a second instance.
 * <p>
 * A pinned consumer ({@link Topology.ConsumerSpec#pinnedGroup}) pulls in its priority group: the server
 * delivers to one instance at a time, and this runner gives the pin up when it stops, so another instance
 * takes over at once. {@link #pause} and {@link #resume} use the server's consumer pause: every instance
 * stops receiving, and a pause ends by itself at its deadline should the instance that set it die.
 * A {@link StallWatchdog} restarts pulling when work is pending but nothing arrived for a while.
 */
public final class ConsumerRunner extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRunner.class);

  /** How a runner pulls and retries; see the {@code consumer.*} settings. */
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

  /** Where a message came from: the consumer, and whether it is a replay consumer (the DLQ admin's resend). */
  public record Source(Topology.ConsumerSpec spec, boolean replay) {}

  /** Handles and settles one message; completes, with what became of it, once the message is settled. */
  @FunctionalInterface
  public interface Handling {
    Future<ConsumerMetrics.Outcome> handle(Source source, Message msg);
  }

  private final JetStreamBridge bridge;
  private final Topology.ConsumerSpec spec;
  private final List<Source> sources;
  private final Options options;
  private final Handling handling;
  private final Map<Source, MessageConsumer> consumers = new LinkedHashMap<>();
  /** The pin id the server last delivered under, per pinned source: this instance is (or was) the pinned one. */
  private final Map<Source, String> pins = new java.util.concurrent.ConcurrentHashMap<>();
  private StallWatchdog watchdog;
  private Context context;
  private int inFlight;
  private boolean stopping;
  private Promise<Void> drained;

  public ConsumerRunner(JetStreamBridge bridge, Topology.ConsumerSpec spec, Options options, Handling handling) {
    this.bridge = bridge;
    this.spec = spec;
    this.sources = Topology.EVENT_CONSUMERS.contains(spec)
        ? List.of(new Source(spec, false), new Source(Topology.replayOf(spec), true)) : List.of(new Source(spec, false));
    this.options = options;
    this.handling = handling;
  }

  /** A runner for an event consumer: decoding, the handler, retries and dead-lettering ({@link EventDeliveries}). */
  public static ConsumerRunner forEvents(JetStreamBridge bridge, Topology.ConsumerSpec spec, Options options, EventHandler handler) {
    var telemetry = new DeliveryTelemetry(bridge.telemetry(), spec.durable());
    return new ConsumerRunner(bridge, spec, options, new EventDeliveries(bridge, options, handler, telemetry));
  }

  public Topology.ConsumerSpec spec() {
    return spec;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    watchdog = new StallWatchdog(vertx, options.watchdog(), () -> !stopping && inFlight == 0 && !consumers.isEmpty(),
        this::workWaiting, this::restartPulling);
    return pull().onSuccess(v -> {
      watchdog.start();
      LOG.info("consuming {} on {} ({}){}", spec.durable(), spec.stream(), spec.filter(),
          spec.pinned() ? ", pinned group " + spec.pinnedGroup() : "");
    });
  }

  /**
   * Pauses this consumer (and its replay consumer) on the server until {@code until}: no instance receives
   * its messages meanwhile, they wait in the stream. Pausing again moves the deadline.
   */
  public Future<Void> pause(Instant until) {
    return bridge.<Void>blocking(() -> {
      for (Source s : sources) {
        bridge.management().pauseConsumer(s.spec().stream(), s.spec().durable(), until.atZone(ZoneOffset.UTC));
      }
      return null;
    }).onSuccess(v -> LOG.info("{}: paused until {}", spec.durable(), until));
  }

  /** Ends a pause at once; this instance pulls again right away (others when their next pull request goes out). */
  public Future<Void> resume() {
    return bridge.<Void>blocking(() -> {
      for (Source s : sources) bridge.management().resumeConsumer(s.spec().stream(), s.spec().durable());
      return null;
    }).onSuccess(v -> context.runOnContext(x -> {
      LOG.info("{}: resumed", spec.durable());
      restartPulling();
    }));
  }

  /**
   * Stops pulling, then waits (bounded) for in-flight messages to be settled, then gives up a pin. Messages
   * jnats had already pulled arrive after the stop: they are NAK'd at once so another instance takes them.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (watchdog != null) watchdog.stop();
    return stopPulling().compose(v -> {
      if (inFlight == 0) return Future.<Void>succeededFuture();
      Promise<Void> p = Promise.promise();
      drained = p;
      // Bounded: a handler that never completes must not hold the process; its message is redelivered.
      vertx.setTimer(options.drainTimeout().toMillis(), id -> {
        if (p.tryComplete()) LOG.warn("{}: stopped with {} message(s) still in flight", spec.durable(), inFlight);
      });
      return p.future();
    }).compose(v -> unpin());
  }

  private Future<Void> pull() {
    return bridge.blocking(() -> {
      Map<Source, MessageConsumer> started = new LinkedHashMap<>();
      for (Source source : sources) {
        ConsumeOptions.Builder consume = ConsumeOptions.builder().batchSize(options.batchSize());
        if (source.spec().pinned()) consume.group(source.spec().pinnedGroup());
        var cc = bridge.connection().getConsumerContext(source.spec().stream(), source.spec().durable());
        started.put(source, cc.consume(consume.build(), msg -> context.runOnContext(v -> handle(source, msg))));
      }
      return started;
    }).map(started -> {
      if (stopping) {
        started.values().forEach(MessageConsumer::stop);
      } else {
        consumers.putAll(started);
      }
      return null;
    });
  }

  private Future<Void> stopPulling() {
    List<MessageConsumer> running = new ArrayList<>(consumers.values());
    consumers.clear();
    if (running.isEmpty()) return Future.succeededFuture();
    return bridge.blocking(() -> {
      for (MessageConsumer c : running) c.stop();
      return null;
    });
  }

  private void restartPulling() {
    if (stopping) return;
    LOG.info("{}: restarting its pull", spec.durable());
    stopPulling().onComplete(ar -> {
      if (!stopping) pull().onFailure(e -> LOG.warn("{}: pull not restarted: {}", spec.durable(), e.toString()));
    });
  }

  /** True when the broker holds messages for this consumer that nobody receives, and it is not paused. */
  private Future<Boolean> workWaiting() {
    return bridge.blocking(() -> {
      for (Source s : sources) {
        ConsumerInfo ci = bridge.management().getConsumerInfo(s.spec().stream(), s.spec().durable());
        if (ci.getNumPending() > 0 && !ci.getPaused() && !pinnedElsewhere(s, ci)) {
          LOG.warn("{}: {} message(s) pending but nothing delivered for {} s", s.spec().durable(), ci.getNumPending(),
              watchdog.quietMillis() / 1000);
          return true;
        }
      }
      return false;
    });
  }

  /** Another instance holds the pin: silence here is expected. */
  private boolean pinnedElsewhere(Source s, ConsumerInfo ci) {
    if (!s.spec().pinned() || ci.getPriorityGroupStates() == null) return false;
    String mine = pins.get(s);
    return ci.getPriorityGroupStates().stream().anyMatch(g -> s.spec().pinnedGroup().equals(g.getGroup())
        && g.getPinnedClientId() != null && !g.getPinnedClientId().equals(mine));
  }

  /**
   * After stopping: unpins each pinned source unless the server pins a client this instance knows is not
   * itself, so a standby is pinned at once instead of after the pin timeout. An instance learns its own pin
   * only from the messages it receives, so an idle one unpins too: if another instance held the pin, the
   * server pins a waiting instance again at once (that one, when it is the only one waiting).
   */
  private Future<Void> unpin() {
    List<Source> pinned = sources.stream().filter(s -> s.spec().pinned()).toList();
    if (pinned.isEmpty()) return Future.succeededFuture();
    Map<Source, String> mine = new LinkedHashMap<>(pins);
    return bridge.<Void>blocking(() -> {
      for (Source source : pinned) {
        var s = source.spec();
        ConsumerInfo ci = bridge.management().getConsumerInfo(s.stream(), s.durable());
        String current = ci.getPriorityGroupStates() == null ? null : ci.getPriorityGroupStates().stream()
            .filter(g -> s.pinnedGroup().equals(g.getGroup())).map(g -> g.getPinnedClientId()).filter(java.util.Objects::nonNull)
            .findFirst().orElse(null);
        if (current == null) continue;
        String own = mine.get(source);
        if (own != null && !own.equals(current)) continue; // pinned elsewhere since: leave it
        bridge.management().unpinConsumer(s.stream(), s.durable(), s.pinnedGroup());
        LOG.info("{}: pin given up", s.durable());
      }
      return null;
    }).recover(e -> {
      LOG.warn("{}: pin not given up ({}); the server pins another instance after the pin timeout", spec.durable(), e.toString());
      return Future.succeededFuture();
    });
  }

  private void handle(Source source, Message msg) {
    watchdog.touch();
    if (stopping) {
      msg.nak();
      return;
    }
    if (source.spec().pinned() && msg.getHeaders() != null) {
      String pin = msg.getHeaders().getFirst("Nats-Pin-Id");
      if (pin != null) pins.put(source, pin);
    }
    inFlight++;
    long heartbeat = vertx.setPeriodic(Math.max(200, options.ackWait().toMillis() / 3), id -> {
      try {
        msg.inProgress();
      } catch (IllegalStateException e) {
        // the connection is closing or reconnecting: the server redelivers after AckWait if we never settle
      }
    });
    Future<ConsumerMetrics.Outcome> outcome;
    try {
      outcome = handling.handle(source, msg);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e); // never strand the in-flight count
    }
    outcome.onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(heartbeat);
      if (ar.failed()) LOG.warn("{}: could not settle message {}: {}", spec.durable(), msg.getSubject(), ar.cause().toString());
      if (--inFlight == 0 && drained != null) drained.tryComplete();
    }));
  }
}
