package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.ConsumeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the broker alone carries on this machine, as the yardstick for orderflow: the <em>bare pipeline</em>
 * (a producer, four stages that each consume a message and republish it, acking only after the publish is
 * acknowledged, a sink; every event also copied to an audit stream: no HTTP, JSON, key-value or business
 * logic), and the server's raw ceilings (async publishes of event-sized messages to a file-backed stream;
 * consume with ack). Runs in the bench's own process on its own connection, against the bench's server.
 */
final class BarePipeline implements AutoCloseable {
  static final int STAGES = 4;
  private static final String STREAM = "BENCH_PIPE";
  private static final String AUDIT = "BENCH_AUDIT";
  private static final String CEILING = "BENCH_CEILING";
  /** An event's size on the wire in orderflow (a CloudEvents envelope with an order of a few lines). */
  static final int EVENT_BYTES = 700;

  private final Connection nc;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final List<MessageConsumer> consumers = new ArrayList<>();
  /** End-to-end latency (ns) of each message the sink received, by step. */
  private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  private BarePipeline(Connection nc) throws Exception {
    this.nc = nc;
    this.js = nc.jetStream();
    this.jsm = nc.jetStreamManagement();
  }

  static BarePipeline connect(String urls) throws Exception {
    Options o = new Options.Builder().server(urls).connectionName("orderflow-bench-bare").maxReconnects(-1)
        .errorListener(new io.nats.client.ErrorListener() {}).build();
    return new BarePipeline(Nats.connect(o));
  }

  /** Creates the streams and starts the stages and the sink. */
  BarePipeline start() throws Exception {
    jsm.addStream(StreamConfiguration.builder().name(STREAM).subjects("bench.pipe.>").storageType(StorageType.File).build());
    jsm.addStream(StreamConfiguration.builder().name(AUDIT).subjects("bench.audit.>").storageType(StorageType.File).build());
    for (int stage = 0; stage <= STAGES; stage++) {
      int s = stage;
      String durable = "bench-stage-" + s;
      jsm.addOrUpdateConsumer(STREAM, ConsumerConfiguration.builder().durable(durable).filterSubject("bench.pipe." + s)
          .ackPolicy(AckPolicy.Explicit).maxAckPending(20_000).ackWait(Duration.ofSeconds(30)).build());
      ConsumerContext cc = nc.getConsumerContext(STREAM, durable);
      consumers.add(cc.consume(ConsumeOptions.builder().batchSize(256).build(), s == STAGES ? this::sink : m -> hop(m, s)));
    }
    return this;
  }

  /** A stage: republish to the next subject (and audit), ack the delivery once both publishes are acknowledged. */
  private void hop(Message m, int stage) {
    byte[] body = m.getData();
    publish(stage + 1, body).whenComplete((ok, err) -> {
      if (err == null) m.ack();
      else {
        errors.incrementAndGet();
        m.nakWithDelay(Duration.ofMillis(100));
      }
    });
  }

  private void sink(Message m) {
    long now = System.nanoTime();
    String head = new String(m.getData(), 0, 40, StandardCharsets.US_ASCII);
    String[] f = head.substring(0, head.indexOf(';')).split(",");
    latencies.computeIfAbsent(Integer.parseInt(f[1]), k -> new ConcurrentLinkedQueue<>()).add(now - Long.parseLong(f[0]));
    m.ack();
  }

  /** The event on {@code bench.pipe.<stage>} and its audit copy; done when both are stored. */
  private CompletableFuture<Void> publish(int stage, byte[] body) {
    String id = new String(body, 0, 40, StandardCharsets.US_ASCII);
    id = id.substring(0, id.indexOf(';'));
    Headers h = new Headers().put("Nats-Msg-Id", id + "-" + stage);
    Headers ha = new Headers().put("Nats-Msg-Id", id + "-audit-" + stage);
    return CompletableFuture.allOf(js.publishAsync("bench.pipe." + stage, h, body), js.publishAsync("bench.audit." + stage, ha, body));
  }

  /** Sends {@code rate} events/s for {@code seconds} into the pipeline, tagged {@code step}. */
  long drive(double rate, double seconds, int step) throws InterruptedException {
    return Pacer.drive(rate, seconds, scheduled -> {
      byte[] body = payload(scheduled + "," + step + "," + sequence.getAndIncrement() + ";");
      publish(0, body).exceptionally(e -> {
        errors.incrementAndGet();
        return null;
      });
    });
  }

  /** Latencies (ns) the sink measured for a step so far. */
  long[] latencies(int step) {
    var q = latencies.getOrDefault(step, new ConcurrentLinkedQueue<>());
    return q.stream().mapToLong(Long::longValue).toArray();
  }

  /** Messages pending or unacknowledged on the stages and the sink. */
  long backlog() throws Exception {
    long sum = 0;
    for (int s = 0; s <= STAGES; s++) {
      var ci = jsm.getConsumerInfo(STREAM, "bench-stage-" + s);
      sum += ci.getNumPending() + ci.getNumAckPending();
    }
    return sum;
  }

  long errors() {
    return errors.get();
  }

  /** Raw ceilings: async publishes/s of event-sized messages (1,000 in flight), then consume-with-ack/s of them. */
  double[] ceilings(int messages) throws Exception {
    jsm.addStream(StreamConfiguration.builder().name(CEILING).subjects("bench.ceiling").storageType(StorageType.File).build());
    byte[] body = payload("ceiling;");
    Semaphore inFlight = new Semaphore(1000);
    long start = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      inFlight.acquire();
      js.publishAsync("bench.ceiling", body).whenComplete((a, e) -> inFlight.release());
    }
    inFlight.acquire(1000);
    double publishRate = messages / ((System.nanoTime() - start) / 1e9);
    jsm.addOrUpdateConsumer(CEILING, ConsumerConfiguration.builder().durable("bench-ceiling").ackPolicy(AckPolicy.Explicit)
        .maxAckPending(20_000).build());
    AtomicLong consumed = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    long cstart = System.nanoTime();
    MessageConsumer mc = nc.getConsumerContext(CEILING, "bench-ceiling").consume(ConsumeOptions.builder().batchSize(256).build(), m -> {
      m.ack();
      if (consumed.incrementAndGet() == messages) done.complete(null);
    });
    done.get(120, java.util.concurrent.TimeUnit.SECONDS);
    double consumeRate = messages / ((System.nanoTime() - cstart) / 1e9);
    mc.stop();
    jsm.deleteStream(CEILING);
    return new double[] {publishRate, consumeRate};
  }

  private static byte[] payload(String head) {
    byte[] b = new byte[EVENT_BYTES];
    Arrays.fill(b, (byte) 'x');
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(h, 0, b, 0, h.length);
    return b;
  }

  @Override
  public void close() throws Exception {
    for (MessageConsumer c : consumers) c.stop();
    nc.close();
  }
}
