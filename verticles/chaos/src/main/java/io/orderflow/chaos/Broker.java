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
  record DeadLetter(long seq, String subject, String consumer, String sourceStream, long sourceSeq, String error) {}

  private final Connection nc;
  private final JetStreamManagement jsm;

  private Broker(Connection nc) throws IOException {
    this.nc = nc;
    this.jsm = nc.jetStreamManagement();
  }

  static Broker connect(String urls) throws IOException, InterruptedException {
    Options options = new Options.Builder().server(urls).connectionName("orderflow-chaos")
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
   * Deliveries beyond the first, over every event consumer: each delivery, redeliveries included, takes a
   * consumer sequence, so once a consumer has nothing pending its redeliveries are its last consumer
   * sequence minus the messages its filter matched. Exact, unlike sampling {@code num_redelivered}.
   */
  java.util.Map<String, Long> redeliveries() throws IOException, JetStreamApiException {
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      ConsumerInfo ci = consumer(c);
      long delivered = ci.getDelivered().getConsumerSequence();
      long matched = matching(c.stream(), c.filter(), ci.getDelivered().getStreamSequence());
      if (delivered > matched) out.put(c.durable(), delivered - matched);
    }
    return out;
  }

  /** Messages of a stream on a filter subject (up to a stream sequence, when everything was delivered). */
  private long matching(String stream, String filter, long upTo) throws IOException, JetStreamApiException {
    StreamInfo si = jsm.getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
    long count = 0;
    if (si.getStreamState().getSubjects() != null) {
      for (var s : si.getStreamState().getSubjects()) count += s.getCount();
    }
    return count;
  }

  /** The server name of a stream's leader (clustered streams). */
  String streamLeader(String stream) throws IOException, JetStreamApiException {
    var ci = jsm.getStreamInfo(stream).getClusterInfo();
    if (ci == null || ci.getLeader() == null) throw new IOException(stream + " has no leader");
    return ci.getLeader();
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
      out.add(new DeadLetter(seq, m.getSubject(), header(h, "Orderflow-Dlq-Consumer"), header(h, "Orderflow-Dlq-Stream"),
          parse(header(h, "Orderflow-Dlq-Stream-Seq")), header(h, "Orderflow-Dlq-Error")));
    }
    return out;
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
