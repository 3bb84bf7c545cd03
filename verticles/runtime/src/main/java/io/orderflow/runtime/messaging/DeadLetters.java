package io.orderflow.runtime.messaging;

import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.orderflow.codecs.Subjects;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * Publishes a message that cannot be processed to the DLQ stream with its original payload and headers
 * plus where and why it failed. The id makes a retried dead-lettering idempotent.
 */
public final class DeadLetters {
  public static final String CONSUMER = "Orderflow-Dlq-Consumer";
  public static final String ERROR = "Orderflow-Dlq-Error";
  public static final String DELIVERIES = "Orderflow-Dlq-Deliveries";
  public static final String TIME = "Orderflow-Dlq-Time";
  public static final String STREAM = "Orderflow-Dlq-Stream";
  public static final String STREAM_SEQ = "Orderflow-Dlq-Stream-Seq";
  public static final String SUBJECT = "Orderflow-Dlq-Subject";

  private final JetStreamBridge bridge;

  public DeadLetters(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  /**
   * Dead-letters {@code msg}, which {@code consumer} (an event consumer or a replay consumer) failed. The
   * dead letter's {@code Nats-Msg-Id} names that consumer, its stream and the message's sequence there, so a
   * retried dead-lettering is deduplicated and two different messages never share an id (a replay
   * consumer's sequence is one of the REPLAY stream, not of the event stream).
   */
  public Future<PublishAck> deadLetter(Topology.ConsumerSpec consumer, Message msg, String error) {
    Headers h = new Headers();
    if (msg.getHeaders() != null) {
      // The broker stores a publish's directives (Nats-Msg-Id, Nats-Expected-*) with the message: applied
      // to this publish they would deduplicate or reject it.
      msg.getHeaders().entrySet().forEach(e -> {
        if (!e.getKey().regionMatches(true, 0, "Nats-", 0, 5)) h.put(e.getKey(), e.getValue());
      });
    }
    long seq = msg.metaData().streamSequence();
    h.put(CONSUMER, consumer.durable())
        .put(ERROR, headerValue(error))
        .put(DELIVERIES, String.valueOf(msg.metaData().deliveredCount()))
        .put(TIME, Instant.now().toString())
        .put(STREAM, consumer.stream())
        .put(STREAM_SEQ, String.valueOf(seq))
        .put(SUBJECT, msg.getSubject());
    return bridge.publishRaw(Topology.deadLetterSubject(consumer), h, msg.getData(),
        PublishOptions.builder().messageId(messageId(consumer, seq)).build());
  }

  /** The dead letter's id: unique per consumer, stream and stream sequence. */
  static String messageId(Topology.ConsumerSpec consumer, long seq) {
    return "dlq-" + consumer.durable() + "-" + consumer.stream() + "-" + seq;
  }

  /** Header values are printable ASCII; an error may quote the poison's own bytes. Bounded. */
  static String headerValue(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 1000));
    for (int i = 0; i < s.length() && b.length() < 1000; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
