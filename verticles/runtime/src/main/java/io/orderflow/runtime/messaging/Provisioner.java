package io.orderflow.runtime.messaging;

import io.orderflow.runtime.Settings;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PriorityPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates everything in {@link Topology}. Idempotent: run it before services start
 * ({@code orderflow provision}), or again after a change. Blocking: call it off the event loop.
 */
public final class Provisioner {
  private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
  private static final int NOT_FOUND = 10059;
  private static final int INVALID_CONFIG = 10052;
  private static final int JS_UNAVAILABLE = 10008;

  /**
   * How consumers behave; see docs/operations.md (consumer settings) for why these values. MaxDeliver is unlimited
   * (-1) by default: the application dead-letters real failures itself, and an outage, however long,
   * must never make the server drop a message. {@code pinTimeout}: how long a pinned (single-writer)
   * instance may stay silent before the server pins another.
   */
  public record ConsumerSettings(Duration ackWait, int maxDeliver, int maxAckPending, Duration pinTimeout) {
    public static ConsumerSettings from(Settings s) {
      return new ConsumerSettings(s.duration("consumer.ack-wait", Duration.ofSeconds(30)),
          s.integer("consumer.max-deliver", -1), s.integer("consumer.max-ack-pending", 1000),
          s.duration("consumer.pin-timeout", Duration.ofSeconds(10)));
    }
  }

  private static final Duration API_TIMEOUT = Duration.ofSeconds(15);
  private static final int ATTEMPTS = 4;
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final int replicas;
  private final Duration duplicateWindow;
  private final ConsumerSettings consumers;

  public Provisioner(int replicas, Duration duplicateWindow, ConsumerSettings consumers) {
    this.replicas = replicas;
    this.duplicateWindow = duplicateWindow;
    this.consumers = consumers;
  }

  public static Provisioner from(Settings s) {
    return new Provisioner(s.integer("nats.replicas", 1), s.duration("nats.duplicate-window", Duration.ofMinutes(2)),
        ConsumerSettings.from(s));
  }

  public void provision(Connection nc) throws IOException, JetStreamApiException {
    // Creating a replicated stream waits for its placement and first leader: on a busy or just-started
    // cluster that takes longer than jnats' default API timeout (2 s).
    var options = io.nats.client.JetStreamOptions.builder().requestTimeout(API_TIMEOUT).build();
    JetStreamManagement jsm = nc.jetStreamManagement(options);
    for (Topology.StreamSpec s : Topology.STREAMS) {
      retrying("stream " + s.name(), () -> provisionStream(jsm, s));
    }
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      retrying("consumer " + c.durable(), () -> provisionConsumer(jsm, c));
    }
    KeyValueManagement kvm = nc.keyValueManagement(io.nats.client.KeyValueOptions.builder().jetStreamOptions(options).build());
    for (Topology.BucketSpec b : Topology.BUCKETS) {
      retrying("bucket " + b.name(), () -> provisionBucket(kvm, b));
    }
    ObjectStoreManagement osm = nc.objectStoreManagement(io.nats.client.ObjectStoreOptions.builder().jetStreamOptions(options).build());
    for (Topology.ObjectStoreSpec o : Topology.OBJECT_STORES) {
      retrying("object store " + o.name(), () -> provisionObjectStore(osm, o));
    }
    LOG.info("provisioned {} streams, {} consumers, {} buckets, {} object stores (replicas {})", Topology.STREAMS.size(),
        Topology.CONSUMERS.size(), Topology.BUCKETS.size(), Topology.OBJECT_STORES.size(), replicas);
  }

  private void provisionStream(JetStreamManagement jsm, Topology.StreamSpec s) throws IOException, JetStreamApiException {
    StreamInfo existing = find(() -> jsm.getStreamInfo(s.name()));
    StreamConfiguration cfg = StreamConfiguration.builder()
        .name(s.name()).subjects(s.subjects())
        .storageType(StorageType.File).replicas(replicas)
        .retentionPolicy(RetentionPolicy.Limits).discardPolicy(DiscardPolicy.Old)
        .duplicateWindow(duplicateWindow)
        .allowDirect(true)
        .allowMessageTtl(s.handOffs() || keepsMessageTtl(s, existing)).maxMessagesPerSubject(s.handOffs() ? 1 : -1)
        .denyDelete(s.immutable()).denyPurge(s.immutable())
        .build();
    try {
      if (existing != null) jsm.updateStream(cfg);
      else jsm.addStream(cfg);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JS_UNAVAILABLE) throw e;
      // 10052: the server refuses the configuration itself, i.e. the existing stream cannot take this version's.
      boolean conflict = existing != null && e.getApiErrorCode() == INVALID_CONFIG;
      throw new ProvisioningException((existing == null ? "cannot create" : "cannot update") + " stream " + s.name()
          + ": " + e.getMessage() + (conflict ? " (the existing stream's settings conflict with this version's)" : ""), e);
    }
  }

  private void provisionConsumer(JetStreamManagement jsm, Topology.ConsumerSpec c) throws IOException, JetStreamApiException {
    ConsumerConfiguration.Builder cfg = ConsumerConfiguration.builder()
        .durable(c.durable()).filterSubjects(c.filters())
        .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All)
        .ackWait(consumers.ackWait()).maxDeliver(consumers.maxDeliver()).maxAckPending(consumers.maxAckPending());
    if (c.pinned()) {
      cfg.priorityPolicy(PriorityPolicy.PinnedClient).priorityGroups(c.pinnedGroup()).priorityTimeout(consumers.pinTimeout());
    }
    jsm.addOrUpdateConsumer(c.stream(), cfg.build());
  }

  private void provisionBucket(KeyValueManagement kvm, Topology.BucketSpec b) throws IOException, JetStreamApiException {
    KeyValueConfiguration.Builder cfg = KeyValueConfiguration.builder()
        .name(b.name()).description(b.purpose()).storageType(StorageType.File).replicas(replicas).maxHistoryPerKey(1);
    if (!b.ttl().isZero()) cfg.ttl(b.ttl());
    if (exists(() -> kvm.getStatus(b.name()))) kvm.update(cfg.build());
    else kvm.create(cfg.build());
  }

  /** jnats can create an object store but not update one: an existing store is left as it is. */
  private void provisionObjectStore(ObjectStoreManagement osm, Topology.ObjectStoreSpec o) throws IOException, JetStreamApiException {
    if (exists(() -> osm.getStatus(o.name()))) return;
    osm.create(ObjectStoreConfiguration.builder(o.name()).description(o.purpose())
        .storageType(StorageType.File).replicas(replicas).build()); // snapshots come compressed
  }

  /**
   * Runs one idempotent step again when the server did not answer or answered "temporarily unavailable".
   * On a cluster that has just formed, a meta leader can step down while a create is in flight and the request
   * goes unanswered; the step reads the current state again, so a create that did land becomes an update.
   */
  private static void retrying(String what, Step step) throws IOException, JetStreamApiException {
    for (int attempt = 1; ; attempt++) {
      try {
        step.run();
        return;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != JS_UNAVAILABLE || attempt == ATTEMPTS) throw e;
        LOG.warn("provisioning {}: JetStream temporarily unavailable, attempt {} of {}", what, attempt, ATTEMPTS);
      } catch (ProvisioningException e) {
        throw e;
      } catch (IOException e) {
        if (attempt == ATTEMPTS) throw e;
        LOG.warn("provisioning {}: {}, attempt {} of {}", what, e.getMessage(), attempt, ATTEMPTS);
      }
      try {
        Thread.sleep(RETRY_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while provisioning " + what, e);
      }
    }
  }

  private interface Step {
    void run() throws IOException, JetStreamApiException;
  }

  /**
   * The server cannot turn per-message TTL off once a stream has it, and earlier builds kept the hand-offs in
   * ORDERS with TTL on: their data must still provision, so the flag stays (no orderflow publisher sets a TTL
   * on an event).
   */
  private static boolean keepsMessageTtl(Topology.StreamSpec s, StreamInfo existing) {
    if (existing == null || !existing.getConfiguration().isAllowMessageTtl()) return false;
    LOG.warn("stream {} keeps per-message TTL on: an earlier version turned it on and the server cannot turn it off", s.name());
    return true;
  }

  /** Provisioning could not bring a stream to this version's configuration. */
  public static final class ProvisioningException extends IOException {
    ProvisioningException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static <T> T find(Lookup<T> lookup) throws IOException, JetStreamApiException {
    try {
      return lookup.get();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NOT_FOUND) return null;
      throw e;
    }
  }

  interface Lookup<T> {
    T get() throws IOException, JetStreamApiException;
  }

  private static boolean exists(Lookup<?> lookup) throws IOException, JetStreamApiException {
    return find(lookup) != null;
  }
}
