package io.orderflow.runtime.messaging;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.DecodeError;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Envelope;
import io.orderflow.runtime.telemetry.MessagingAttributes;
import io.orderflow.runtime.telemetry.ServiceTelemetry;
import io.orderflow.runtime.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where jnats meets Vert.x: publishes become Vert.x futures completed on the caller's
 * context, and the calls jnats only offers synchronously run on the worker pool, never on an event loop.
 * Key-value puts go out as JetStream publishes to the bucket's subject, so they are asynchronous too.
 * Every event publish is a PRODUCER span of the service's tracer, parented on the trace the event names; its
 * context replaces the event's {@code traceparent} and travels in the NATS headers too.
 */
public final class JetStreamBridge {
  public static final String MSG_ID = "Nats-Msg-Id";
  public static final String CONTENT_TYPE = "Content-Type";
  public static final String TRACEPARENT = "traceparent";
  private static final int NO_MESSAGE_FOUND = 10037;

  private final Vertx vertx;
  private final Connection connection;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final ConcurrentHashMap<String, KeyValue> buckets = new ConcurrentHashMap<>();
  private final ServiceTelemetry telemetry;
  private final ReadPaths readPaths;

  /** A bridge outside a service host (tests): spans are made but not exported, metrics kept in a registry of its own. */
  public JetStreamBridge(Vertx vertx, Connection connection) {
    this(vertx, connection, ServiceTelemetry.standalone("test"));
  }

  public JetStreamBridge(Vertx vertx, Connection connection, ServiceTelemetry telemetry) {
    this.vertx = vertx;
    this.connection = connection;
    this.telemetry = telemetry;
    try {
      this.js = connection.jetStream();
      this.jsm = connection.jetStreamManagement();
    } catch (IOException e) {
      throw new IllegalStateException("JetStream is not available on this connection", e);
    }
    this.readPaths = new ReadPaths(vertx, jsm);
  }

  public Vertx vertx() {
    return vertx;
  }

  public Connection connection() {
    return connection;
  }

  public JetStreamManagement management() {
    return jsm;
  }

  /** The telemetry of the service this bridge (and its connection) belongs to. */
  public ServiceTelemetry telemetry() {
    return telemetry;
  }

  /** Publishes an event with its id as {@code Nats-Msg-Id}, so a retried publish is deduplicated by the broker. */
  public Future<PublishAck> publish(Envelope event) {
    return publish(event, PublishOptions.builder());
  }

  /** Publishes with extra expectations (e.g. the last stream sequence, for optimistic concurrency). */
  public Future<PublishAck> publish(Envelope event, PublishOptions.Builder options) {
    Span span = telemetry.tracing().startProducer("send " + event.type().ceType(), event.traceparent());
    span.setAttribute(MessagingAttributes.SYSTEM, MessagingAttributes.NATS)
        .setAttribute(MessagingAttributes.OPERATION, "send")
        .setAttribute(MessagingAttributes.DESTINATION, event.natsSubject())
        .setAttribute(MessagingAttributes.MESSAGE_ID, event.id());
    if (event.orderId() != null) span.setAttribute(MessagingAttributes.ORDER_ID, event.orderId());
    String traceparent = Tracing.traceparent(span);
    Envelope traced = traceparent == null ? event : event.withTraceparent(traceparent);
    Headers headers = new Headers().put(CONTENT_TYPE, Envelope.CONTENT_TYPE);
    if (traced.traceparent() != null) headers.put(TRACEPARENT, traced.traceparent());
    Future<PublishAck> published;
    try {
      published = publishRaw(traced.natsSubject(), headers, EventCodec.encode(traced), options.messageId(traced.id()).build());
    } catch (RuntimeException e) {
      published = Future.failedFuture(e);
    }
    return published.onComplete(ar -> {
      if (ar.succeeded()) {
        span.setAttribute(MessagingAttributes.STREAM_SEQUENCE, ar.result().getSeqno())
            .setAttribute(MessagingAttributes.DUPLICATE, ar.result().isDuplicate());
      } else {
        span.recordException(ar.cause()).setStatus(StatusCode.ERROR, ar.cause().toString());
      }
      span.end();
    });
  }

  public Future<PublishAck> publishRaw(String subject, Headers headers, byte[] data, PublishOptions options) {
    if (!connected()) return disconnected();
    Message msg = NatsMessage.builder().subject(subject).headers(headers).data(data).build();
    // Bounded: during a failover jnats can leave a publish future pending for good; a caller that waits
    // on it (a single writer) would stall. A timed-out publish may still have been stored: callers retry
    // with the same Nats-Msg-Id or re-check the stream.
    return this.<PublishAck>fromStage(() -> js.publishAsync(msg, options))
        .timeout(PUBLISH_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static final java.time.Duration PUBLISH_TIMEOUT = java.time.Duration.ofSeconds(6);

  /** True when a failure means the broker could not be reached or did not answer in time (not the message's fault). */
  public static boolean isBrokerOutage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Unavailable || c instanceof java.io.IOException || c instanceof java.util.concurrent.TimeoutException
          || c instanceof java.util.concurrent.CancellationException) {
        return true;
      }
      // 5xx from the JetStream API: no leader (an election), insufficient resources, JetStream busy.
      if (c instanceof JetStreamApiException api && api.getErrorCode() >= 500) return true;
    }
    return false;
  }

  /**
   * While the connection is down, calls fail at once instead of queueing in jnats' reconnect buffer: an
   * HTTP client gets a fast 503 and retries with its Idempotency-Key, a handler's message is redelivered,
   * and every retried publish carries the same Nats-Msg-Id.
   */
  public boolean connected() {
    return connection.getStatus() == Connection.Status.CONNECTED;
  }

  private <T> Future<T> disconnected() {
    return Future.failedFuture(new Unavailable("NATS connection is " + connection.getStatus()));
  }

  /** The broker cannot be reached right now; the HTTP edge answers 503 with Retry-After. */
  public static final class Unavailable extends IllegalStateException {
    public Unavailable(String message) {
      super(message);
    }
  }

  /**
   * The last event on a subject of a stream, or empty. Read from the stream's leader ({@link #lastMessage}),
   * so it sees every write acknowledged before the read: decisions rest on it.
   */
  public Future<Optional<StoredEvent>> lastEvent(String stream, String subject) {
    return lastMessage(stream, subject).map(found -> found.map(mi -> new StoredEvent(mi.getSeq(), checked(mi.getSubject(), EventCodec.decode(mi.getData())))));
  }

  /**
   * A decoded event, failed when its type does not belong on the subject it was stored under: what a consumer
   * dead-letters as forged or misrouted, no reader (a view, a dedupe, a decision) takes for the real thing.
   */
  static Decoded checked(String natsSubject, Decoded decoded) {
    if (natsSubject == null || !(decoded instanceof Decoded.Ok ok)) return decoded;
    String wrong = ok.envelope().type().misrouted(natsSubject, ok.envelope().subject(), false);
    return wrong == null ? decoded : new Decoded.Failed(new DecodeError(DecodeError.Kind.INVALID, "WRONG_SUBJECT: " + wrong));
  }

  /**
   * The last message on a subject of a stream, or empty, as the stream's leader sees it: every write
   * acknowledged before the read is in it, so decisions (dedupe, "has this order ended", a hand-off) can rest
   * on it. On a replicated stream it is asked of the leader ({@code $JS.API.STREAM.MSG.GET}): a direct get
   * ({@code allow_direct}) may be answered by a follower that has not applied the newest message yet. A stream
   * with one replica has no follower, so there the direct get ({@code $JS.API.DIRECT.GET}) answers the same,
   * for far less work on both sides: the raw message instead of a JSON document with the message in base64,
   * and no trip through the server's JetStream API queue. The request is asynchronous: no thread waits for it.
   */
  public Future<Optional<MessageInfo>> lastMessage(String stream, String subject) {
    if (!connected()) return disconnected();
    return readPaths.direct(stream) ? directLast(stream, subject) : leaderLast(stream, subject);
  }

  private Future<Optional<MessageInfo>> leaderLast(String stream, String subject) {
    byte[] body = ("{\"last_by_subj\":\"" + subject + "\"}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Future<Message> reply = fromStage(() -> connection.requestWithTimeout(LEADER_GET + stream, body, READ_TIMEOUT));
    return reply.map(msg -> {
      MessageInfo mi = new MessageInfo(msg, stream, false);
      if (!mi.hasError()) return Optional.of(mi);
      if (mi.getApiErrorCode() == NO_MESSAGE_FOUND) return Optional.<MessageInfo>empty();
      // 5xx: the stream has no leader right now (an election) or JetStream is busy: an outage, not a failure.
      if (mi.getErrorCode() >= 500) throw new Unavailable("reading " + subject + " from " + stream + ": " + mi.getError());
      throw new IllegalStateException("reading " + subject + " from " + stream + ": " + mi.getError(),
          new JetStreamApiException(mi));
    });
  }

  private Future<Optional<MessageInfo>> directLast(String stream, String subject) {
    Future<Message> reply = fromStage(() -> connection.requestWithTimeout(DIRECT_GET + stream + "." + subject, null, READ_TIMEOUT));
    return reply.map(msg -> {
      if (!msg.isStatusMessage()) return Optional.of(new MessageInfo(msg, stream, true));
      int code = msg.getStatus().getCode();
      if (code == 404) return Optional.<MessageInfo>empty();
      // 503: no responders (the stream is being moved or restarted); 408: the server gave up: outages.
      if (code >= 500 || code == 408) throw new Unavailable("reading " + subject + " from " + stream + ": " + msg.getStatus().getMessage());
      throw new IllegalStateException("reading " + subject + " from " + stream + ": " + code + " " + msg.getStatus().getMessage());
    });
  }

  private static final String DIRECT_GET = "$JS.API.DIRECT.GET.";

  ReadPaths readPaths() {
    return readPaths;
  }
  private static final String LEADER_GET = "$JS.API.STREAM.MSG.GET.";
  private static final java.time.Duration READ_TIMEOUT = java.time.Duration.ofSeconds(5);

  /** A short-lived message for one other service, gone after its TTL (per-message TTL). */
  public record HandOff(String subject, byte[] value, java.time.Duration ttl) {}

  /** Stores a hand-off; the stream keeps one message per subject, so storing it again replaces it. */
  public Future<PublishAck> publishHandOff(HandOff handOff) {
    return publishRaw(handOff.subject(), new Headers().put(MSG_TTL, handOff.ttl().toSeconds() + "s"), handOff.value(),
        PublishOptions.builder().build());
  }

  private static final String MSG_TTL = "Nats-TTL";

  /** The message at a stream sequence, or empty when there is none (deleted or beyond the end). */
  public Future<Optional<MessageInfo>> messageAt(String stream, long seq) {
    return blocking(() -> {
      try {
        return Optional.of(jsm.getMessage(stream, seq));
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NO_MESSAGE_FOUND) return Optional.empty();
        throw e;
      }
    });
  }

  public Future<Optional<KvEntry>> kvGet(Topology.BucketSpec bucket, String key) {
    return blocking(() -> {
      KeyValueEntry e = bucket(bucket).get(key);
      if (e == null || e.getOperation() != KeyValueOperation.PUT) return Optional.empty();
      return Optional.of(new KvEntry(key, e.getValue(), e.getRevision()));
    });
  }

  /** Puts a value; completes with the new revision. */
  public Future<Long> kvPut(Topology.BucketSpec bucket, String key, byte[] value) {
    return kvPublish(bucket, key, value, PublishOptions.builder());
  }

  /** Writes a key only if it was never written: one asynchronous publish, no read first. */
  public Future<Long> kvPutIfAbsent(Topology.BucketSpec bucket, String key, byte[] value) {
    return kvPublish(bucket, key, value, PublishOptions.builder().expectedLastSubjectSequence(0));
  }

  /** Compare-and-set: updates only if the key is still at {@code revision}. */
  public Future<Long> kvUpdate(Topology.BucketSpec bucket, String key, byte[] value, long revision) {
    return kvPublish(bucket, key, value, PublishOptions.builder().expectedLastSubjectSequence(revision));
  }

  public Future<java.util.List<String>> kvKeys(Topology.BucketSpec bucket, String filter) {
    return blocking(() -> bucket(bucket).keys(filter));
  }

  private Future<Long> kvPublish(Topology.BucketSpec bucket, String key, byte[] value, PublishOptions.Builder options) {
    String subject = "$KV." + bucket.name() + "." + key;
    return publishRaw(subject, null, value, options.build()).map(PublishAck::getSeqno);
  }

  private KeyValue bucket(Topology.BucketSpec spec) throws IOException {
    KeyValue kv = buckets.get(spec.name());
    if (kv == null) {
      kv = connection.keyValue(spec.name());
      buckets.put(spec.name(), kv);
    }
    return kv;
  }

  /**
   * Closes a dispatcher of this connection (its thread and its subscriptions) off the caller's thread. Never
   * fails: when the connection is closing, its dispatchers go with it.
   */
  public Future<Void> closeDispatcher(io.nats.client.Dispatcher dispatcher) {
    if (dispatcher == null) return Future.succeededFuture();
    return vertx.<Void>executeBlocking(() -> {
      connection.closeDispatcher(dispatcher);
      return null;
    }, false).recover(e -> Future.succeededFuture());
  }

  /** Runs a blocking jnats call on the worker pool (unordered: calls are independent). */
  public <T> Future<T> blocking(Callable<T> call) {
    if (!connected()) return disconnected();
    return vertx.executeBlocking(call, false);
  }

  private <T> Future<T> fromStage(Callable<CompletableFuture<T>> start) {
    try {
      return Future.fromCompletionStage(start.call(), vertx.getOrCreateContext());
    } catch (Exception e) {
      // publishAsync throws synchronously when the connection is closed (an outage: 503 at the edge, a
      // redelivery for a handler) or the message is invalid (a bug: 500).
      return Future.failedFuture(connected() ? e : new Unavailable("NATS connection is " + connection.getStatus() + ": " + e.getMessage()));
    }
  }

  /**
   * Which incarnation of a stream this is (its creation time): state derived from a stream that was deleted and
   * created again (a snapshot) must not be applied to the new one.
   */
  public static String streamIdentity(io.nats.client.api.StreamInfo info) {
    return info.getCreateTime().toInstant().toString();
  }

  /**
   * True when the leader refused a publish because another one with the same {@code Nats-Msg-Id} is being
   * stored right now (a concurrent twin): its outcome is not readable yet, come back shortly.
   */
  public static boolean isDuplicateInFlight(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof JetStreamApiException e && e.getApiErrorCode() == DUPLICATE_IN_PROCESS) return true;
    }
    return false;
  }

  private static final int DUPLICATE_IN_PROCESS = 10158;

  /** True when a failed publish was rejected by an expectation (wrong last sequence), not by an outage. */
  public static boolean isWrongLastSequence(Throwable t) {
    Throwable c = t;
    while (c != null) {
      if (c instanceof JetStreamApiException e && (e.getApiErrorCode() == 10071 || e.getApiErrorCode() == 10164)) return true;
      c = c.getCause();
    }
    return false;
  }
}
