package io.orderflow.runtime.messaging;

import io.nats.client.ConsumeOptions;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.ConsumerInfo;
import io.orderflow.runtime.Backoff;
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
 * delivers each consumer's messages to one instance at a time, and this runner gives up a pin it holds when
 * it stops, so another instance takes over at once. {@link #pause} uses the server's consumer pause (every
 * instance stops receiving; the pause ends by itself at its deadline), {@link #hold} stops this instance
 * only, {@link #resume} ends both. A {@link StallWatchdog} restarts pulling when work is pending but nothing
 * arrived for a while, and a pull that cannot start is retried until it does.
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
          ServiceHost.consumerDrainTimeout(s), s.duration("consumer.watchdog", Duration.ofSeconds(15)));
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
  /**
   * The one jnats dispatcher (thread) this runner's subscriptions deliver on. Without one, each consumer
   * context jnats makes per pull starts a dispatcher of its own that nothing ever closes: a thread leaked
   * at every restart of the pull.
   */
  private volatile io.nats.client.Dispatcher dispatcher;
  private Context context;
  private int inFlight;
  /**
   * Messages being handled, with when each arrived ({@link System#nanoTime()}): one periodic timer sends an
   * in-progress ack for those in hand longer than a third of AckWait, instead of a timer per message.
   */
  private final Map<Message, Long> working = new java.util.IdentityHashMap<>();
  /**
   * The stream sequence of each message being handled, per source, with the redeliveries of it that arrived
   * meanwhile. A message whose AckWait ran out while its handler still worked (a starved process can miss its
   * in-progress acks) comes back while the first delivery is in hand: handed to the handler it would run twice
   * at once, both before either recorded its effect (two mails). It waits instead, and is put back once the
   * first settles, so the handler sees it after the first's effect, as any sequential redelivery.
   */
  private final Map<InHand, List<Message>> inHand = new java.util.HashMap<>();

  private record InHand(Source source, long streamSequence) {}
  private long heartbeat = -1;
  private boolean stopping;
  private Promise<Void> drained;
  /** Held on this instance (stopped pulling) until {@link #resume}. */
  private boolean held;
  /** A restart of the pull is under way: one at a time. */
  private boolean restarting;

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
    watchdog = new StallWatchdog(vertx, options.watchdog(), () -> !stopping && !held && !restarting && inFlight == 0,
        this::workWaiting, this::restartPulling);
    // Ticks twice as often as the threshold, so a message's first in-progress ack goes out between a third and
    // half of AckWait after it arrived, never later.
    long after = Math.max(200, options.ackWait().toMillis() / 3);
    heartbeat = vertx.setPeriodic(Math.max(100, after / 2), id -> inProgress(after));
    return pull().onSuccess(v -> {
      watchdog.start();
      LOG.info("consuming {} on {} ({}){}", spec.durable(), spec.stream(), spec.filter(),
          spec.pinned() ? ", pinned group " + spec.pinnedGroup() : "");
    });
  }

  /**
   * Pauses this consumer (and its replay consumer) on the server until {@code until}: no instance receives
   * its messages meanwhile, they wait in the stream; the pause ends by itself at its deadline.
   */
  public Future<Void> pause(Instant until) {
    return bridge.<Void>blocking(() -> {
      for (Source s : sources) {
        bridge.management().pauseConsumer(s.spec().stream(), s.spec().durable(), until.atZone(ZoneOffset.UTC));
      }
      return null;
    }).onSuccess(v -> LOG.info("{}: paused on the server until {}", spec.durable(), until));
  }

  /**
   * Stops pulling on this instance only, until {@link #resume}: what one instance sees (its own path to a
   * dependency failing) must not hold the others. Messages already pulled are NAK'd as they arrive.
   */
  public void hold() {
    context.runOnContext(v -> {
      if (held || stopping) return;
      held = true;
      LOG.info("{}: held on this instance", spec.durable());
      stopPulling();
    });
  }

  /** Ends a server-side pause at once and this instance's hold; this instance pulls again right away. */
  public Future<Void> resume() {
    return bridge.<Void>blocking(() -> {
      for (Source s : sources) bridge.management().resumeConsumer(s.spec().stream(), s.spec().durable());
      return null;
    }).onComplete(ar -> context.runOnContext(x -> {
      held = false;
      if (ar.succeeded()) LOG.info("{}: resumed", spec.durable());
      // Renewed even when it was not held: after a server-side pause ends its idle pull would wait out its expiry.
      restartPulling();
    }));
  }

  /**
   * Stops pulling (closes the subscriptions), then waits (bounded) for in-flight messages to be settled, then
   * gives up a pin this instance holds.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (watchdog != null) watchdog.stop();
    // The heartbeat runs on while in-flight messages drain: they must not be redelivered meanwhile.
    return stopPulling().compose(v -> {
      if (inFlight == 0) return Future.<Void>succeededFuture();
      Promise<Void> p = Promise.promise();
      drained = p;
      // Bounded: a handler that never completes must not hold the process; its message is redelivered.
      vertx.setTimer(options.drainTimeout().toMillis(), id -> {
        if (p.tryComplete()) LOG.warn("{}: stopped with {} message(s) still in flight", spec.durable(), inFlight);
      });
      return p.future();
    }).compose(v -> unpin()).eventually(() -> {
      vertx.cancelTimer(heartbeat);
      return bridge.closeDispatcher(dispatcher);
    });
  }

  private Future<Void> pull() {
    return bridge.blocking(() -> {
      Map<Source, MessageConsumer> started = new LinkedHashMap<>();
      try {
        for (Source source : sources) {
          ConsumeOptions.Builder consume = ConsumeOptions.builder().batchSize(options.batchSize()).expiresIn(PULL_EXPIRES);
          if (source.spec().pinned()) consume.group(source.spec().pinnedGroup());
          var cc = bridge.connection().getConsumerContext(source.spec().stream(), source.spec().durable());
          started.put(source, cc.consume(consume.build(), dispatcher(), msg -> context.runOnContext(v -> handle(source, msg))));
        }
      } catch (Exception e) {
        for (MessageConsumer c : started.values()) c.close(); // all sources or none
        throw e;
      }
      return started;
    }).map(started -> {
      if (stopping || held) {
        closeAll(List.copyOf(started.values()));
      } else {
        consumers.putAll(started);
      }
      return null;
    });
  }

  /**
   * How long one pull request lives on the server. Short, so that a stopped instance's outstanding request
   * is gone soon and the server does not keep handing it messages (or a pin).
   */
  private static final long PULL_EXPIRES = 5_000;

  /**
   * Closes the subscriptions, not just stops them: a stopped jnats consumer keeps its outstanding pull
   * request on the server but drops what still arrives for it once its own count runs out, and those
   * messages then wait out their AckWait (measured: 20 of 20 NAK'd messages stuck 24 s). Closing unsubscribes,
   * and the server hands the messages to the next pull at once. Messages a handler still works on are
   * settled all the same (an ack needs no subscription).
   */
  private io.nats.client.Dispatcher dispatcher() {
    io.nats.client.Dispatcher d = dispatcher;
    if (d == null) {
      synchronized (this) {
        if (dispatcher == null) dispatcher = bridge.connection().createDispatcher();
        d = dispatcher;
      }
    }
    return d;
  }

  private Future<Void> stopPulling() {
    List<MessageConsumer> running = new ArrayList<>(consumers.values());
    consumers.clear();
    return closeAll(running);
  }

  private Future<Void> closeAll(List<MessageConsumer> running) {
    if (running.isEmpty()) return Future.succeededFuture();
    return bridge.<Void>blocking(() -> {
      for (MessageConsumer c : running) {
        try {
          c.close();
        } catch (Exception e) {
          // closing on a closing connection: nothing left to release
        }
      }
      return null;
    }).recover(e -> Future.succeededFuture());
  }

  /**
   * Stops and starts pulling again, one restart at a time; a pull that cannot start (the broker is out, a
   * leader election) is retried with backoff until it does, so a runner never stays without a pull.
   */
  private void restartPulling() {
    if (stopping || held || restarting) return;
    restarting = true;
    LOG.info("{}: restarting its pull", spec.durable());
    stopPulling().onComplete(ar -> Backoff.STARTS.retry(vertx, this::pull, () -> !stopping && !held,
            (e, delay) -> LOG.warn("{}: pull not started ({}), again in {} ms", spec.durable(), e.toString(), delay.toMillis()))
        .onComplete(started -> {
          restarting = false;
          if (started.succeeded() && started.result()) watchdog.touch();
        }));
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
   * After stopping: unpins each pinned source the server still pins to this instance, so a standby is pinned
   * at once instead of after the pin timeout. An instance knows its pin only from the messages it received
   * under it; one that received none leaves the pin alone (it may be another instance's) and, if it was in
   * fact pinned, the server pins a standby after the pin timeout.
   */
  private Future<Void> unpin() {
    Map<Source, String> mine = new LinkedHashMap<>(pins);
    if (mine.isEmpty()) return Future.succeededFuture();
    return bridge.<Void>blocking(() -> {
      for (var e : mine.entrySet()) {
        var s = e.getKey().spec();
        ConsumerInfo ci = bridge.management().getConsumerInfo(s.stream(), s.durable());
        boolean pinnedHere = ci.getPriorityGroupStates() != null && ci.getPriorityGroupStates().stream()
            .anyMatch(g -> s.pinnedGroup().equals(g.getGroup()) && e.getValue().equals(g.getPinnedClientId()));
        if (pinnedHere) {
          bridge.management().unpinConsumer(s.stream(), s.durable(), s.pinnedGroup());
          LOG.info("{}: pin given up", s.durable());
        }
      }
      return null;
    }).recover(e -> {
      LOG.warn("{}: pin not given up ({}); the server pins another instance after the pin timeout", spec.durable(), e.toString());
      return Future.succeededFuture();
    });
  }

  /** Tells the server that messages in hand for longer than {@code afterMillis} are still being worked on. */
  private void inProgress(long afterMillis) {
    long now = System.nanoTime();
    for (var e : working.entrySet()) {
      if ((now - e.getValue()) / 1_000_000 < afterMillis) continue;
      try {
        e.getKey().inProgress();
      } catch (IllegalStateException closing) {
        // the connection is closing or reconnecting: the server redelivers after AckWait if we never settle
      }
    }
  }

  private void handle(Source source, Message msg) {
    watchdog.touch();
    if (stopping || held) {
      msg.nak(); // arrived while the subscription was closing: back for another pull at once
      return;
    }
    if (source.spec().pinned() && msg.getHeaders() != null) {
      String pin = msg.getHeaders().getFirst("Nats-Pin-Id");
      if (pin != null) pins.put(source, pin);
    }
    InHand key = new InHand(source, streamSequence(msg));
    List<Message> twins = key.streamSequence() > 0 ? inHand.get(key) : null;
    if (twins != null) {
      twins.add(msg);
      working.put(msg, System.nanoTime()); // kept alive with in-progress acks until the first settles
      return;
    }
    if (key.streamSequence() > 0) inHand.put(key, new ArrayList<>(0));
    inFlight++;
    working.put(msg, System.nanoTime());
    Future<ConsumerMetrics.Outcome> outcome;
    try {
      outcome = handling.handle(source, msg);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e); // never strand the in-flight count
    }
    outcome.onComplete(ar -> onContext(() -> {
      working.remove(msg);
      List<Message> redelivered = key.streamSequence() > 0 ? inHand.remove(key) : null;
      if (redelivered != null) {
        for (Message twin : redelivered) {
          working.remove(twin);
          try {
            twin.nak(); // ignored by the server if the first delivery's ack settled it
          } catch (IllegalStateException closing) {
            // the connection is closing: the server redelivers after AckWait
          }
        }
      }
      if (ar.failed()) LOG.warn("{}: could not settle message {}: {}", spec.durable(), msg.getSubject(), ar.cause().toString());
      if (--inFlight == 0 && drained != null) drained.tryComplete();
    }));
  }

  /** The message's stream sequence, from its JetStream metadata; 0 when it has none (not a JetStream delivery). */
  private static long streamSequence(Message msg) {
    try {
      return msg.isJetStream() ? msg.metaData().streamSequence() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Runs on this runner's context: at once when already there (the usual case), else by a hand-off. */
  private void onContext(Runnable r) {
    if (io.vertx.core.Vertx.currentContext() == context) r.run();
    else context.runOnContext(v -> r.run());
  }
}
