package io.orderflow.orders.console;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one source of every open console of this process. While at least one console watches, it listens to the
 * orders' and the breaker's events on NATS (plain subscriptions: the events as they are published, no consumer
 * state on the broker), reads the consumers' backlogs and the DLQ from the broker once a second, and publishes
 * one encoded snapshot a second on the local event bus, where each console's stream picks it up. Ten consoles
 * cost the broker what one does; none costs nothing (a minute after the last one closes, the feed stops, and
 * its figures start again with the next).
 */
final class ConsoleFeed extends VerticleBase {
  /** Local event-bus address of the encoded snapshots (a Server-Sent Events frame each). */
  static final String SNAPSHOTS = "orderflow.console.snapshots";
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);
  private static final List<String> SUBJECTS = List.of(Subjects.ORDERS_PLACED + ".>", Subjects.ORDERS_ENDED + ".>",
      Subjects.SYSTEM_BREAKER + ".>");

  private final JetStreamBridge bridge;
  private final GatewayControl gateway;
  private final ConsoleSessions sessions;
  private final Clock clock;
  /** How long the feed outlives its last viewer: a page reload or a reconnect does not restart the figures. */
  static final long LINGER_MS = 60_000;
  private ConsoleStats stats;
  private Dispatcher dispatcher;
  private io.vertx.core.Context context;
  private int viewers;
  private long timer = -1;
  private long lingerTimer = -1;
  private volatile String latestFrame;
  private boolean reading;
  private boolean warned;
  private long ticks;

  ConsoleFeed(JetStreamBridge bridge, GatewayControl gateway, ConsoleSessions sessions, Clock clock) {
    this.bridge = bridge;
    this.gateway = gateway;
    this.sessions = sessions;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return deactivate();
  }

  /** A console started watching (any thread). */
  void watching() {
    context.runOnContext(v -> {
      if (viewers++ == 0 && lingerTimer >= 0) {
        vertx.cancelTimer(lingerTimer);
        lingerTimer = -1;
      }
      if (stats == null) activate();
    });
  }

  /** A console stopped watching (any thread). */
  void leaving() {
    context.runOnContext(v -> {
      if (--viewers == 0) lingerTimer = vertx.setTimer(LINGER_MS, id -> {
        lingerTimer = -1;
        if (viewers == 0) deactivate();
      });
    });
  }

  private void activate() {
    stats = new ConsoleStats();
    dispatcher = bridge.connection().createDispatcher(m -> context.runOnContext(v -> onEvent(m)));
    for (String subject : SUBJECTS) dispatcher.subscribe(subject);
    // The breaker's state before the feed started: its last announcement.
    bridge.lastEvent(Topology.SYSTEM, Subjects.SYSTEM_BREAKER + ".psp")
        .onSuccess(last -> last.filter(StoredEvent::ok).ifPresent(e -> onBreaker(e.envelope().data(), e.envelope().time())));
    // The first snapshot only once the server has the subscriptions (a round trip after them): a console sees
    // every event published after its first frame.
    var mine = stats;
    bridge.blocking(() -> {
      bridge.connection().flush(java.time.Duration.ofSeconds(2));
      return null;
    }).onComplete(ar -> {
      if (mine != stats) return;
      tick();
      timer = vertx.setPeriodic(1000, id -> tick());
    });
  }

  private Future<Void> deactivate() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
    stats = null;
    latestFrame = null;
    Dispatcher d = dispatcher;
    dispatcher = null;
    return d == null ? Future.succeededFuture() : bridge.closeDispatcher(d);
  }

  /** The newest snapshot frame, for a console that just connected (null before the first tick). */
  String latestFrame() {
    return latestFrame;
  }

  private void onEvent(Message m) {
    if (stats == null) return; // arrived after the feed stopped
    if (!(EventCodec.decode(m.getData()) instanceof Decoded.Ok ok)) return; // not ours to judge: the consumers dead-letter it
    var e = ok.envelope();
    long second = clock.instant().getEpochSecond();
    switch (e.data()) {
      case Event.OrderPlaced p -> stats.placed(second, p.orderId(), e.time(), p.totalCents(), p.currency());
      case Event.OrderConfirmed c -> {
        if (stats.ended(second, c.orderId(), "CONFIRMED", null, e.time())) settle(c.orderId());
      }
      case Event.OrderCancelled c -> {
        if (stats.ended(second, c.orderId(), "CANCELLED", reason(c), e.time())) settle(c.orderId());
      }
      default -> onBreaker(e.data(), e.time());
    }
  }

  private static String reason(Event.OrderCancelled c) {
    return c.reason().name().toLowerCase(Locale.ROOT);
  }

  /** Two endings of one order were published (one stored, one refused): the stream says which one it kept. */
  private void settle(String orderId) {
    var mine = stats;
    bridge.lastEvent(Topology.ORDERS, Subjects.ORDERS_ENDED + "." + orderId).onSuccess(stored -> stored.filter(StoredEvent::ok)
        .ifPresent(e -> {
          if (mine != stats) return;
          switch (e.envelope().data()) {
            case Event.OrderConfirmed c -> stats.settle(orderId, "CONFIRMED", null, e.envelope().time());
            case Event.OrderCancelled c -> stats.settle(orderId, "CANCELLED", reason(c), e.envelope().time());
            default -> { }
          }
        }));
  }

  private void onBreaker(Event event, Instant time) {
    if (stats != null && event instanceof Event.BreakerChanged b) stats.breaker(b.state(), time, b.instance());
  }

  private void tick() {
    if (stats == null) return;
    Instant now = clock.instant();
    publish(now);
    if (++ticks % 60 == 0) sessions.expire(now);
    if (reading) return; // a slow broker: skip a reading rather than pile them up
    reading = true;
    Future<Reading> broker = bridge.blocking(this::readBroker);
    Future<Optional<JsonObject>> faults = gateway.enabled() ? gateway.settings().map(Optional::of) : Future.succeededFuture(Optional.empty());
    var mine = stats;
    Future.join(broker, faults).onComplete(ar -> {
      reading = false;
      if (mine != stats) return; // the feed stopped (and maybe started again) meanwhile
      if (broker.succeeded()) {
        warned = false;
        Instant readAt = clock.instant();
        stats.broker(readAt.getEpochSecond(), readAt, broker.result().consumers(), broker.result().deadLetters());
      } else if (!warned) {
        warned = true;
        LOG.warn("console: broker not read: {}", broker.cause().toString());
      }
      // A gateway that does not answer its admin API shows as unknown, not as the last mode it had.
      stats.gateway(faults.succeeded() ? faults.result().orElse(null) : new JsonObject().put("mode", "unknown")
          .put("error", faults.cause().getMessage()));
    });
  }

  private void publish(Instant now) {
    String frame = "event: snapshot\ndata: " + stats.snapshot(now.getEpochSecond(), now).encode() + "\n\n";
    latestFrame = frame;
    vertx.eventBus().publish(SNAPSHOTS, frame);
  }

  private record Reading(List<ConsoleStats.Consumer> consumers, long deadLetters) {}

  private static Instant lastActive(ConsumerInfo info) {
    var delivered = info.getDelivered();
    return delivered == null || delivered.getLastActive() == null ? null : delivered.getLastActive().toInstant();
  }

  private Reading readBroker() throws Exception {
    var jsm = bridge.management();
    List<ConsoleStats.Consumer> consumers = new ArrayList<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      ConsumerInfo info = jsm.getConsumerInfo(c.stream(), c.durable());
      consumers.add(new ConsoleStats.Consumer(c.stream(), c.durable(), info.getNumPending(), info.getNumAckPending(),
          info.getRedelivered(), info.getPaused(), lastActive(info)));
    }
    long deadLetters = jsm.getStreamInfo(Topology.DLQ).getStreamState().getMsgCount();
    return new Reading(consumers, deadLetters);
  }
}
