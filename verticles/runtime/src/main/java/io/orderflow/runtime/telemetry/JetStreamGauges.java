package io.orderflow.runtime.telemetry;

import io.orderflow.runtime.http.Readiness;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.orderflow.codecs.Subjects;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the broker every few seconds ({@code metrics.interval}, default 5 s): each needed
 * consumer's backlog ({@code consumer_pending_messages}: not delivered yet; {@code consumer_ack_pending_messages}:
 * delivered, not acknowledged), the dead letters per failing consumer ({@code dlq_messages}), and whether this
 * process is ready ({@code service_ready}). Backlog and DLQ are the server's figures, so every instance reports
 * the same value: aggregate them with {@code max}, never {@code sum}. A gauge appears with the first successful
 * read, so a value is never a guess; a failed read leaves the last one (readiness reports the outage).
 */
public final class JetStreamGauges extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamGauges.class);

  private final JetStreamBridge bridge;
  private final Readiness readiness;
  private final MeterRegistry registry;
  private final Duration interval;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();
  private final AtomicLong ready = new AtomicLong();
  private boolean polling;
  private boolean warned;

  public JetStreamGauges(JetStreamBridge bridge, Readiness readiness, MeterRegistry registry, Duration interval) {
    this.bridge = bridge;
    this.readiness = readiness;
    this.registry = registry;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    Gauge.builder("service.ready", ready, AtomicLong::get)
        .description("1 when this process's /ready check passes (connection up, streams and consumers present, not draining)")
        .register(registry);
    vertx.setPeriodic(1, interval.toMillis(), id -> poll());
    return Future.succeededFuture();
  }

  private record Backlog(Topology.ConsumerSpec consumer, long pending, long ackPending) {}

  private record Reading(List<Backlog> backlogs, Map<String, Long> deadLetters) {}

  private void poll() {
    if (polling) return; // a slow broker: skip a round rather than pile up reads
    polling = true;
    Future<Void> readinessRead = readiness.evaluate().map(failures -> {
      ready.set(failures.isEmpty() ? 1 : 0);
      return null;
    });
    List<Topology.ConsumerSpec> consumers = readiness.consumers();
    Future<Void> brokerRead = bridge.blocking(() -> read(consumers))
        .map(reading -> {
          record(reading);
          return (Void) null;
        })
        .onFailure(e -> {
          if (!warned) LOG.warn("backlog and DLQ gauges not updated: {}", e.toString());
          warned = true;
        });
    Future.join(readinessRead, brokerRead).onComplete(ar -> polling = false);
  }

  private Reading read(List<Topology.ConsumerSpec> consumers) throws Exception {
    var jsm = bridge.management();
    List<Backlog> backlogs = new java.util.ArrayList<>();
    for (Topology.ConsumerSpec c : consumers) {
      ConsumerInfo info = jsm.getConsumerInfo(c.stream(), c.durable());
      backlogs.add(new Backlog(c, info.getNumPending(), info.getNumAckPending()));
    }
    Map<String, Long> deadLetters = new HashMap<>();
    var dlq = jsm.getStreamInfo(Topology.DLQ, StreamInfoOptions.filterSubjects(Subjects.DLQ + ".>"));
    List<Subject> subjects = dlq.getStreamState().getSubjects();
    if (subjects != null) for (Subject s : subjects) deadLetters.merge(Subjects.lastToken(s.getName()), s.getCount(), Long::sum);
    return new Reading(backlogs, deadLetters);
  }

  private void record(Reading r) {
    warned = false;
    for (Backlog b : r.backlogs()) {
      gauge("consumer.pending.messages", b.consumer(), "Messages the consumer has not delivered yet (server-side: aggregate with max)").set(b.pending());
      gauge("consumer.ack.pending.messages", b.consumer(), "Messages delivered but not acknowledged yet (server-side: aggregate with max)").set(b.ackPending());
    }
    // Every event consumer has a DLQ figure, 0 included: "no dead letters" is a reading, not a missing series;
    // a consumer whose dead letters were all replayed or deleted reads 0 again.
    for (Topology.ConsumerSpec c : Topology.EVENT_CONSUMERS) deadLetterGauge(c.durable());
    r.deadLetters().keySet().forEach(this::deadLetterGauge);
    deadLetters.forEach((consumer, gauge) -> gauge.set(r.deadLetters().getOrDefault(consumer, 0L)));
  }

  private AtomicLong gauge(String name, Topology.ConsumerSpec consumer, String description) {
    return values.computeIfAbsent(name + "/" + consumer.durable(), k -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder(name, v, AtomicLong::get).tags("consumer", consumer.durable(), "stream", consumer.stream())
          .description(description).register(registry);
      return v;
    });
  }

  private AtomicLong deadLetterGauge(String consumer) {
    return deadLetters.computeIfAbsent(consumer, k -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder("dlq.messages", v, AtomicLong::get).tag("consumer", consumer)
          .description("Dead letters waiting in the DLQ stream per failing consumer (server-side: aggregate with max)")
          .register(registry);
      return v;
    });
  }
}
