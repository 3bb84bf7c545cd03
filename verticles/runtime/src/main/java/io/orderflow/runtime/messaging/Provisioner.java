package io.orderflow.runtime.messaging;

import io.orderflow.runtime.Settings;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or migrates everything in {@link Topology}. Run it before services start ({@code orderflow provision}), and
 * after every upgrade: it creates what is missing, updates what this version configures differently where JetStream
 * can change it in place (a consumer keeps its position and its unacknowledged messages), leaves what is already
 * right untouched (a second run sends no create or update), and fails, naming the stream or consumer and the
 * setting, where JetStream cannot change it in place. It never deletes: a consumer of an earlier version that this
 * one no longer defines is left in place and reported, since it may still hold work. Blocking: call it off the event
 * loop.
 */
public final class Provisioner {
  private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
  private static final int NOT_FOUND = 10059;
  private static final int CONSUMER_NOT_FOUND = 10014;
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

  /** What one run did to one stream, consumer, bucket or object store. */
  public enum Outcome { CREATED, UPDATED, UNCHANGED, LEFT_IN_PLACE }

  /** @param detail what changed ({@code "ack wait PT30S -> PT10S"}), or why it was left */
  public record Change(Outcome outcome, String what, String detail) {}

  /** Everything one run did, in order. */
  public record Changes(List<Change> all) {
    public Changes {
      all = List.copyOf(all);
    }

    public List<Change> with(Outcome outcome) {
      return all.stream().filter(c -> c.outcome() == outcome).toList();
    }

    /** True when the run created and updated nothing. */
    public boolean none() {
      return with(Outcome.CREATED).isEmpty() && with(Outcome.UPDATED).isEmpty();
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

  public Changes provision(Connection nc) throws IOException, JetStreamApiException {
    // Creating a replicated stream waits for its placement and first leader: on a busy or just-started
    // cluster that takes longer than jnats' default API timeout (2 s).
    var options = io.nats.client.JetStreamOptions.builder().requestTimeout(API_TIMEOUT).build();
    JetStreamManagement jsm = nc.jetStreamManagement(options);
    List<Change> changes = new ArrayList<>();
    // Streams in the topology's order: one whose subjects move to a new stream is narrowed before that one is made.
    for (Topology.StreamSpec s : Topology.STREAMS) {
      changes.add(retrying("stream " + s.name(), () -> provisionStream(jsm, s)));
    }
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      changes.add(retrying("consumer " + c.durable(), () -> provisionConsumer(jsm, c)));
    }
    KeyValueManagement kvm = nc.keyValueManagement(io.nats.client.KeyValueOptions.builder().jetStreamOptions(options).build());
    for (Topology.BucketSpec b : Topology.BUCKETS) {
      changes.add(retrying("bucket " + b.name(), () -> provisionBucket(kvm, b)));
    }
    ObjectStoreManagement osm = nc.objectStoreManagement(io.nats.client.ObjectStoreOptions.builder().jetStreamOptions(options).build());
    for (Topology.ObjectStoreSpec o : Topology.OBJECT_STORES) {
      changes.add(retrying("object store " + o.name(), () -> provisionObjectStore(jsm, osm, o)));
    }
    changes.addAll(retrying("consumers of earlier versions", () -> leftovers(jsm)));
    Changes result = new Changes(changes);
    LOG.info("provisioned {} streams, {} consumers, {} buckets, {} object stores (replicas {}): {} created, {} updated, {} unchanged, {} left in place",
        Topology.STREAMS.size(), Topology.CONSUMERS.size(), Topology.BUCKETS.size(), Topology.OBJECT_STORES.size(), replicas,
        result.with(Outcome.CREATED).size(), result.with(Outcome.UPDATED).size(), result.with(Outcome.UNCHANGED).size(),
        result.with(Outcome.LEFT_IN_PLACE).size());
    return result;
  }

  private Change provisionStream(JetStreamManagement jsm, Topology.StreamSpec s) throws IOException, JetStreamApiException {
    String what = "stream " + s.name();
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
    List<String> diff = existing == null ? List.of() : ConfigDiff.streams(existing.getConfiguration(), cfg);
    if (existing != null && diff.isEmpty()) return change(Outcome.UNCHANGED, what, "");
    try {
      if (existing != null) jsm.updateStream(cfg);
      else jsm.addStream(cfg);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JS_UNAVAILABLE) throw e;
      // 10052: the server refuses the configuration itself, i.e. the existing stream cannot take this version's.
      boolean conflict = existing != null && e.getApiErrorCode() == INVALID_CONFIG;
      throw new ProvisioningException((existing == null ? "cannot create" : "cannot update") + " stream " + s.name()
          + ": " + e.getMessage() + (conflict ? " (the existing stream's settings conflict with this version's: " + String.join("; ", diff) + ")" : ""), e);
    }
    return existing == null ? change(Outcome.CREATED, what, "") : change(Outcome.UPDATED, what, String.join("; ", diff));
  }

  private Change provisionConsumer(JetStreamManagement jsm, Topology.ConsumerSpec c) throws IOException, JetStreamApiException {
    String what = "consumer " + c.durable() + " on " + c.stream();
    ConsumerConfiguration.Builder b = ConsumerConfiguration.builder()
        .durable(c.durable()).filterSubjects(c.filters())
        .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All)
        .ackWait(consumers.ackWait()).maxDeliver(consumers.maxDeliver()).maxAckPending(consumers.maxAckPending());
    if (c.pinned()) {
      b.priorityPolicy(PriorityPolicy.PinnedClient).priorityGroups(c.pinnedGroup()).priorityTimeout(consumers.pinTimeout());
    }
    ConsumerConfiguration want = b.build();
    ConsumerInfo existing = findConsumer(jsm, c.stream(), c.durable());
    if (existing == null) {
      jsm.createConsumer(c.stream(), want);
      return change(Outcome.CREATED, what, "");
    }
    ConsumerConfiguration have = existing.getConsumerConfiguration();
    List<String> fixed = ConfigDiff.fixedInConsumers(have, want);
    if (!fixed.isEmpty()) {
      throw new ProvisioningException("cannot update " + what + ": JetStream cannot change its " + String.join("; ", fixed)
          + " in place, and provisioning never deletes a consumer (" + work(existing) + "). To migrate it: stop what publishes to "
          + c.filter() + ", let the consumer's service finish what is pending, delete the consumer, and provision again", null);
    }
    List<String> diff = ConfigDiff.consumers(have, want);
    if (diff.isEmpty()) return change(Outcome.UNCHANGED, what, "");
    List<String> dropped = FilterCoverage.dropped(have.getFilterSubjects(), want.getFilterSubjects());
    if (!dropped.isEmpty() && (existing.getNumPending() > 0 || existing.getNumAckPending() > 0)) {
      throw new ProvisioningException("cannot narrow the filters of " + what + " from " + have.getFilterSubjects() + " to "
          + want.getFilterSubjects() + " while it has work (" + work(existing) + "): its messages on " + dropped
          + " would never be delivered. Let its service finish what is pending, then provision again", null);
    }
    jsm.updateConsumer(c.stream(), want);
    return change(Outcome.UPDATED, what, String.join("; ", diff));
  }

  private Change provisionBucket(KeyValueManagement kvm, Topology.BucketSpec b) throws IOException, JetStreamApiException {
    String what = "bucket " + b.name();
    KeyValueConfiguration.Builder builder = KeyValueConfiguration.builder()
        .name(b.name()).description(b.purpose()).storageType(StorageType.File).replicas(replicas).maxHistoryPerKey(1);
    if (!b.ttl().isZero()) builder.ttl(b.ttl());
    KeyValueConfiguration want = builder.build();
    var existing = find(() -> kvm.getStatus(b.name()));
    if (existing == null) {
      kvm.create(want);
      return change(Outcome.CREATED, what, "");
    }
    List<String> diff = ConfigDiff.buckets(existing.getConfiguration(), want);
    if (diff.isEmpty()) return change(Outcome.UNCHANGED, what, "");
    kvm.update(want);
    return change(Outcome.UPDATED, what, String.join("; ", diff));
  }

  /**
   * jnats can create an object store but not update one; its stream ({@code OBJ_<name>}) can be: an existing
   * store is brought to this version's replicas there (a single node grown into a cluster), nothing else changes.
   */
  private Change provisionObjectStore(JetStreamManagement jsm, ObjectStoreManagement osm, Topology.ObjectStoreSpec o)
      throws IOException, JetStreamApiException {
    String what = "object store " + o.name();
    if (find(() -> osm.getStatus(o.name())) != null) {
      String stream = "OBJ_" + o.name();
      StreamConfiguration have = jsm.getStreamInfo(stream).getConfiguration();
      if (have.getReplicas() == replicas) return change(Outcome.UNCHANGED, what, "");
      jsm.updateStream(StreamConfiguration.builder(have).replicas(replicas).build());
      return change(Outcome.UPDATED, what, "replicas " + have.getReplicas() + " -> " + replicas);
    }
    osm.create(ObjectStoreConfiguration.builder(o.name()).description(o.purpose())
        .storageType(StorageType.File).replicas(replicas).build()); // snapshots come compressed
    return change(Outcome.CREATED, what, "");
  }

  /**
   * Durable consumers on orderflow's streams that this version does not define (renamed or retired by an upgrade):
   * left in place, since one may still hold messages nobody else will handle; reported so an operator can delete
   * them once empty.
   */
  private List<Change> leftovers(JetStreamManagement jsm) throws IOException, JetStreamApiException {
    Set<String> defined = new HashSet<>();
    Topology.CONSUMERS.forEach(c -> defined.add(c.stream() + "/" + c.durable()));
    List<Change> out = new ArrayList<>();
    for (Topology.StreamSpec s : Topology.STREAMS) {
      for (ConsumerInfo ci : jsm.getConsumers(s.name())) {
        String durable = ci.getConsumerConfiguration().getDurable();
        if (durable == null || defined.contains(s.name() + "/" + durable)) continue;
        String detail = "not part of this version; " + work(ci) + ": delete it once nothing needs it";
        LOG.warn("consumer {} on {} is {}", durable, s.name(), detail);
        out.add(new Change(Outcome.LEFT_IN_PLACE, "consumer " + durable + " on " + s.name(), detail));
      }
    }
    return out;
  }

  private static String work(ConsumerInfo ci) {
    return ci.getNumPending() + " messages pending, " + ci.getNumAckPending() + " unacknowledged";
  }

  private static Change change(Outcome outcome, String what, String detail) {
    if (outcome == Outcome.CREATED) LOG.info("provisioning: created {}", what);
    if (outcome == Outcome.UPDATED) LOG.info("provisioning: updated {}: {}", what, detail);
    return new Change(outcome, what, detail);
  }

  /**
   * Runs one idempotent step again when the server did not answer or answered "temporarily unavailable".
   * On a cluster that has just formed, a meta leader can step down while a create is in flight and the request
   * goes unanswered; the step reads the current state again, so a create that did land becomes an update.
   */
  private static <T> T retrying(String what, Step<T> step) throws IOException, JetStreamApiException {
    for (int attempt = 1; ; attempt++) {
      try {
        return step.run();
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

  private interface Step<T> {
    T run() throws IOException, JetStreamApiException;
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

  /** Provisioning could not bring a stream or consumer to this version's configuration. */
  public static final class ProvisioningException extends IOException {
    ProvisioningException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static ConsumerInfo findConsumer(JetStreamManagement jsm, String stream, String durable) throws IOException, JetStreamApiException {
    try {
      return jsm.getConsumerInfo(stream, durable);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) return null;
      throw e;
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

  /**
   * What differs between a configuration on the server and this version's, field by field, as
   * {@code "name: have -> want"}. Only the fields this version sets are compared; the server fills in the rest.
   */
  static final class ConfigDiff {
    private ConfigDiff() {}

    static List<String> streams(StreamConfiguration have, StreamConfiguration want) {
      List<String> d = new ArrayList<>();
      field(d, "subjects", Set.copyOf(have.getSubjects()), Set.copyOf(want.getSubjects()));
      field(d, "storage", have.getStorageType(), want.getStorageType());
      field(d, "replicas", have.getReplicas(), want.getReplicas());
      field(d, "retention", have.getRetentionPolicy(), want.getRetentionPolicy());
      field(d, "discard", have.getDiscardPolicy(), want.getDiscardPolicy());
      field(d, "duplicate window", have.getDuplicateWindow(), want.getDuplicateWindow());
      field(d, "allow direct", have.getAllowDirect(), want.getAllowDirect());
      field(d, "per-message TTL", have.isAllowMessageTtl(), want.isAllowMessageTtl());
      field(d, "max messages per subject", have.getMaxMsgsPerSubject(), want.getMaxMsgsPerSubject());
      field(d, "deny delete", have.getDenyDelete(), want.getDenyDelete());
      field(d, "deny purge", have.getDenyPurge(), want.getDenyPurge());
      return d;
    }

    /** What nats-server refuses to change on an existing consumer (checkNewConsumerConfig) among what orderflow sets. */
    static List<String> fixedInConsumers(ConsumerConfiguration have, ConsumerConfiguration want) {
      List<String> d = new ArrayList<>();
      field(d, "deliver policy", have.getDeliverPolicy(), want.getDeliverPolicy());
      field(d, "ack policy", have.getAckPolicy(), want.getAckPolicy());
      field(d, "replay policy", have.getReplayPolicy(), want.getReplayPolicy());
      field(d, "start sequence", have.getStartSequence(), want.getStartSequence());
      field(d, "start time", have.getStartTime(), want.getStartTime());
      field(d, "memory storage", have.isMemStorage(), want.isMemStorage());
      field(d, "push delivery (deliver subject)", have.getDeliverSubject(), want.getDeliverSubject());
      return d;
    }

    /** What an update may change, the filters included (nats-server 2.10+). */
    static List<String> consumers(ConsumerConfiguration have, ConsumerConfiguration want) {
      List<String> d = new ArrayList<>();
      field(d, "filters", Set.copyOf(orEmpty(have.getFilterSubjects())), Set.copyOf(orEmpty(want.getFilterSubjects())));
      field(d, "ack wait", have.getAckWait(), want.getAckWait());
      field(d, "max deliver", have.getMaxDeliver(), want.getMaxDeliver());
      field(d, "max ack pending", have.getMaxAckPending(), want.getMaxAckPending());
      field(d, "priority policy", have.getPriorityPolicy(), want.getPriorityPolicy());
      field(d, "priority groups", orEmpty(have.getPriorityGroups()), orEmpty(want.getPriorityGroups()));
      field(d, "pin timeout", orZero(have.getPriorityTimeout()), orZero(want.getPriorityTimeout()));
      return d;
    }

    static List<String> buckets(KeyValueConfiguration have, KeyValueConfiguration want) {
      List<String> d = new ArrayList<>();
      field(d, "description", have.getDescription(), want.getDescription());
      field(d, "storage", have.getStorageType(), want.getStorageType());
      field(d, "replicas", have.getReplicas(), want.getReplicas());
      field(d, "history", have.getMaxHistoryPerKey(), want.getMaxHistoryPerKey());
      field(d, "ttl", orZero(have.getTtl()), orZero(want.getTtl()));
      return d;
    }

    private static void field(List<String> diff, String name, Object have, Object want) {
      if (!Objects.equals(have, want)) diff.add(name + ": " + have + " -> " + want);
    }

    private static <T> List<T> orEmpty(List<T> list) {
      return list == null ? List.of() : list;
    }

    private static Duration orZero(Duration d) {
      return d == null ? Duration.ZERO : d;
    }
  }

  /** Whether a consumer's new filters still match everything its old ones did (NATS subject wildcards). */
  static final class FilterCoverage {
    private FilterCoverage() {}

    /** The old filters no new filter covers; no filters at all means the whole stream. */
    static List<String> dropped(List<String> before, List<String> after) {
      List<String> old = before == null || before.isEmpty() ? List.of(">") : before;
      List<String> now = after == null || after.isEmpty() ? List.of(">") : after;
      return old.stream().filter(o -> now.stream().noneMatch(n -> covers(n, o))).toList();
    }

    /** True when every subject {@code narrow} matches, {@code wide} matches too. */
    static boolean covers(String wide, String narrow) {
      String[] w = wide.split("\\.");
      String[] n = narrow.split("\\.");
      for (int i = 0; i < w.length; i++) {
        if (w[i].equals(">")) return i < n.length;
        if (i >= n.length || n[i].equals(">")) return false;
        if (!w[i].equals("*") && !w[i].equals(n[i])) return false;
      }
      return w.length == n.length;
    }
  }
}
