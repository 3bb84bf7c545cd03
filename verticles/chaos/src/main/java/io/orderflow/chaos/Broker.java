package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import io.orderflow.runtime.messaging.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The harness's view of JetStream: consumer backlogs, stream contents, the DLQ, and raw publishes. */
final class Broker implements AutoCloseable {
  /** One dead letter: the consumer that gave up and where the message came from. */
  record DeadLetter(long seq, String subject, String consumer, String sourceStream, long sourceSeq, String error, byte[] payload) {
    /** The order the failed message was about: its subject's last token, when that is an order id. */
    String orderId() {
      if (subject == null) return null;
      String last = io.orderflow.codecs.Subjects.lastToken(subject);
      return io.orderflow.codecs.Ids.isOrderId(last) ? last : null;
    }

    /** The failed message was a valid event (a handler kept failing on it), not poison. */
    boolean validEvent() {
      return io.orderflow.codecs.EventCodec.decode(payload) instanceof io.orderflow.codecs.Decoded.Ok;
    }

    @Override
    public String toString() {
      return "#" + seq + " " + consumer + " <- " + sourceStream + "#" + sourceSeq + " " + subject + ": " + error;
    }
  }

  /** A message in a stream. */
  record Stored(String stream, long seq) {}

  private final Connection nc;
  private final JetStreamManagement jsm;

  private Broker(Connection nc) throws IOException {
    this.nc = nc;
    this.jsm = nc.jetStreamManagement();
  }

  static Broker connect(String urls) throws IOException, InterruptedException {
    return connect(new Options.Builder().server(urls));
  }

  /** As one of orderflow's identities (a run without the harness's user): its password and its inbox prefix. */
  static Broker connectAs(String urls, String identity, String password) throws IOException, InterruptedException {
    return connect(new Options.Builder().server(urls).userInfo(identity, password).inboxPrefix("_INBOX." + identity));
  }

  private static Broker connect(Options.Builder builder) throws IOException, InterruptedException {
    Options options = builder.connectionName("orderflow-chaos")
        .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).connectionTimeout(Duration.ofSeconds(5))
        .errorListener(new io.nats.client.ErrorListener() {}).build();
    return new Broker(Nats.connect(options));
  }

  ConsumerInfo consumer(Topology.ConsumerSpec c) throws IOException, JetStreamApiException {
    return jsm.getConsumerInfo(c.stream(), c.durable());
  }

  /** Messages waiting plus delivered-but-unacknowledged: the consumer's backlog. */
  long backlog(Topology.ConsumerSpec c) throws IOException, JetStreamApiException {
    ConsumerInfo ci = consumer(c);
    return ci.getNumPending() + ci.getNumAckPending();
  }

  /** Nothing waiting or unacknowledged on any consumer; names the first busy one otherwise. */
  String busyConsumer() throws IOException, JetStreamApiException {
    List<String> busy = new ArrayList<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      ConsumerInfo ci = consumer(c);
      if (ci.getNumPending() > 0 || ci.getNumAckPending() > 0) {
        busy.add(c.durable() + " pending=" + ci.getNumPending() + " ack_pending=" + ci.getNumAckPending()
            + " redelivered=" + ci.getRedelivered());
      }
    }
    return busy.isEmpty() ? null : String.join(", ", busy);
  }

  /**
   * Deliveries beyond the first, over every consumer: each delivery, redeliveries included, takes a
   * consumer sequence, so once a consumer has nothing pending its redeliveries are its last consumer
   * sequence minus the messages its filters matched. Exact, unlike sampling {@code num_redelivered}; not
   * computable for a consumer whose stream had messages removed (the DLQ after replays, a record an operator
   * deleted), which is left out.
   */
  java.util.Map<String, Long> redeliveries() throws IOException, JetStreamApiException {
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      ConsumerInfo ci = consumer(c);
      var state = jsm.getStreamInfo(c.stream()).getStreamState();
      if (state.getDeletedCount() > 0 || state.getFirstSequence() > 1) continue; // messages removed: not computable
      long delivered = ci.getDelivered().getConsumerSequence();
      long matched = matching(c.stream(), c.filters());
      if (delivered > matched) out.put(c.durable(), delivered - matched);
    }
    return out;
  }

  /** Messages of a stream its consumer's filters match (filters of one consumer never overlap). */
  long matching(Topology.ConsumerSpec c) throws IOException, JetStreamApiException {
    return matching(c.stream(), c.filters());
  }

  /** Messages of a stream on some filter subjects, summed per subject. */
  private long matching(String stream, List<String> filters) throws IOException, JetStreamApiException {
    long count = 0;
    for (String filter : filters) {
      StreamInfo si = jsm.getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
      if (si.getStreamState().getSubjects() != null) {
        for (var s : si.getStreamState().getSubjects()) count += s.getCount();
      }
    }
    return count;
  }

  /** Whether a stream holds a message on a subject. */
  boolean has(String stream, String subject) throws IOException, JetStreamApiException {
    try {
      jsm.getLastMessage(stream, subject);
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == 10037) return false; // no message found
      throw e;
    }
  }

  /** Whether a message is still stored (not deleted). */
  boolean stored(Stored m) throws IOException, JetStreamApiException {
    try {
      jsm.getMessage(m.stream(), m.seq());
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == 10037) return false; // no message found
      throw e;
    }
  }

  /** Removes a message from a stream (an operator removing a corrupt record). */
  boolean delete(Stored m) throws IOException, JetStreamApiException {
    return jsm.deleteMessage(m.stream(), m.seq(), false);
  }

  /**
   * Lowers a stream's maximum message size below any event's: the broker refuses every write with a 400
   * (message size exceeds maximum), a rejection and not an outage, like a bad configuration rollout. Returns
   * the configuration to restore.
   */
  io.nats.client.api.StreamConfiguration refuseWrites(String stream) throws IOException, JetStreamApiException {
    io.nats.client.api.StreamConfiguration before = jsm.getStreamInfo(stream).getConfiguration();
    jsm.updateStream(io.nats.client.api.StreamConfiguration.builder(before).maximumMessageSize(32).build());
    return before;
  }

  void restore(io.nats.client.api.StreamConfiguration config) throws IOException, JetStreamApiException {
    jsm.updateStream(config);
  }

  /** Every consumer's state in a line each: pending, unacknowledged, redelivered, waiting pulls, pause, pin. */
  String consumerStates() {
    List<String> lines = new ArrayList<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      try {
        ConsumerInfo ci = consumer(c);
        StringBuilder b = new StringBuilder(c.durable()).append(" pending=").append(ci.getNumPending())
            .append(" ack_pending=").append(ci.getNumAckPending()).append(" redelivered=").append(ci.getRedelivered())
            .append(" waiting=").append(ci.getNumWaiting()).append(" delivered_seq=").append(ci.getDelivered().getStreamSequence())
            .append(" ack_floor=").append(ci.getAckFloor().getStreamSequence());
        if (ci.getPaused()) b.append(" paused");
        if (ci.getPriorityGroupStates() != null) {
          for (var g : ci.getPriorityGroupStates()) b.append(" pinned[").append(g.getGroup()).append("]=").append(g.getPinnedClientId());
        }
        if (ci.getNumPending() > 0 || ci.getNumAckPending() > 0 || ci.getPaused()) lines.add(b.toString());
      } catch (Exception e) {
        lines.add(c.durable() + ": " + e);
      }
    }
    return lines.isEmpty() ? "all idle" : String.join("; ", lines);
  }

  /** The server name of a stream's leader (clustered streams). */
  String streamLeader(String stream) throws IOException, JetStreamApiException {
    var ci = jsm.getStreamInfo(stream).getClusterInfo();
    if (ci == null || ci.getLeader() == null) throw new IOException(stream + " has no leader");
    return ci.getLeader();
  }

  /** How many replicas a stream is configured with. */
  int replicas(String stream) throws IOException, JetStreamApiException {
    return jsm.getStreamInfo(stream).getConfiguration().getReplicas();
  }

  long messages(String stream) throws IOException, JetStreamApiException {
    return jsm.getStreamInfo(stream).getStreamState().getMsgCount();
  }

  /** Order ids with an OrderPlaced in the ORDERS stream. */
  List<String> placedOrders() throws IOException, JetStreamApiException {
    StreamInfo si = jsm.getStreamInfo(Topology.ORDERS, StreamInfoOptions.filterSubjects(io.orderflow.codecs.Subjects.ORDERS_PLACED + ".>"));
    List<String> ids = new ArrayList<>();
    if (si.getStreamState().getSubjects() != null) {
      for (var s : si.getStreamState().getSubjects()) ids.add(io.orderflow.codecs.Subjects.lastToken(s.getName()));
    }
    return ids;
  }

  /** Orders whose ORDERS stream holds more than one end (OrderConfirmed / OrderCancelled), with how many. */
  java.util.Map<String, Long> endedMoreThanOnce() throws IOException, JetStreamApiException {
    StreamInfo si = jsm.getStreamInfo(Topology.ORDERS, StreamInfoOptions.filterSubjects(io.orderflow.codecs.Subjects.ORDERS_ENDED + ".>"));
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    if (si.getStreamState().getSubjects() != null) {
      for (var s : si.getStreamState().getSubjects()) {
        if (s.getCount() > 1) out.put(io.orderflow.codecs.Subjects.lastToken(s.getName()), s.getCount());
      }
    }
    return out;
  }

  List<DeadLetter> deadLetters() throws IOException, JetStreamApiException {
    StreamInfo si = jsm.getStreamInfo(Topology.DLQ);
    List<DeadLetter> out = new ArrayList<>();
    long first = si.getStreamState().getFirstSequence();
    long last = si.getStreamState().getLastSequence();
    for (long seq = Math.max(1, first); seq <= last && si.getStreamState().getMsgCount() > 0; seq++) {
      MessageInfo m;
      try {
        m = jsm.getMessage(Topology.DLQ, seq);
      } catch (JetStreamApiException e) {
        continue; // deleted
      }
      Headers h = m.getHeaders();
      out.add(new DeadLetter(seq, header(h, "Orderflow-Dlq-Subject"), header(h, "Orderflow-Dlq-Consumer"),
          header(h, "Orderflow-Dlq-Stream"), parse(header(h, "Orderflow-Dlq-Stream-Seq")), header(h, "Orderflow-Dlq-Error"), m.getData()));
    }
    return out;
  }

  /** The FAILED_ATTEMPTS bucket: handler failures counted per {@code <durable>.<stream sequence>}. */
  java.util.Map<String, Integer> failedAttempts() throws IOException, JetStreamApiException, InterruptedException {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    io.nats.client.KeyValue kv = nc.keyValue(Topology.FAILED_ATTEMPTS.name());
    for (String key : kv.keys()) {
      io.nats.client.api.KeyValueEntry e = kv.get(key);
      if (e == null || e.getValue() == null) continue;
      try {
        out.put(key, Integer.parseInt(new String(e.getValue(), java.nio.charset.StandardCharsets.US_ASCII).trim()));
      } catch (NumberFormatException ex) {
        out.put(key, -1);
      }
    }
    return out;
  }

  /** The order a FAILED_ATTEMPTS key's message is about (its subject's last token), or null. */
  String orderOfFailure(String key) throws IOException {
    int dot = key.lastIndexOf('.');
    if (dot < 0) return null;
    String durable = key.substring(0, dot);
    String stream = Topology.CONSUMERS.stream().filter(c -> c.durable().equals(durable)).map(Topology.ConsumerSpec::stream)
        .findFirst().orElse(null);
    if (stream == null) return null;
    try {
      String subject = jsm.getMessage(stream, Long.parseLong(key.substring(dot + 1))).getSubject();
      String last = io.orderflow.codecs.Subjects.lastToken(subject);
      return io.orderflow.codecs.Ids.isOrderId(last) ? last : null;
    } catch (JetStreamApiException | NumberFormatException e) {
      return null;
    }
  }

  PublishAck publish(String subject, Headers headers, byte[] body) throws IOException, JetStreamApiException {
    return nc.jetStream().publish(io.nats.client.impl.NatsMessage.builder().subject(subject).headers(headers).data(body).build());
  }

  private static String header(Headers h, String name) {
    return h == null ? null : h.getFirst(name);
  }

  private static long parse(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    nc.close();
  }
}
