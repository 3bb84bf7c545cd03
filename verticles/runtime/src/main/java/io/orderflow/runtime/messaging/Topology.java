package io.orderflow.runtime.messaging;

import io.orderflow.codecs.Subjects;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every stream, consumer and key-value bucket of orderflow, named once. {@link Provisioner} creates them;
 * services only look them up. The names are the contract between the services and the broker.
 */
public final class Topology {
  private Topology() {}

  /**
   * @param immutable deny delete and purge (the audit log)
   * @param handOffs a stream of short-lived hand-offs: per-message TTL (Nats-TTL), one message per subject
   */
  public record StreamSpec(String name, List<String> subjects, boolean immutable, boolean handOffs) {
    StreamSpec(String name, String subject) {
      this(name, List.of(subject), false, false);
    }
  }

  /**
   * A durable pull consumer.
   *
   * @param filters its filter subjects (several are one consumer since nats-server 2.10)
   * @param pinnedGroup when set, a priority group with the pinned-client policy: the server delivers this
   *     consumer's messages to one instance at a time and pins another when that one stops pulling (a pin is
   *     per consumer, and not a fence: single writers still fence their writes)
   */
  public record ConsumerSpec(String stream, String durable, List<String> filters, String pinnedGroup) {
    public ConsumerSpec {
      filters = List.copyOf(filters);
    }

    ConsumerSpec(String stream, String durable, String filter) {
      this(stream, durable, List.of(filter), null);
    }

    /** The filters for a log line. */
    public String filter() {
      return String.join(",", filters);
    }

    public boolean pinned() {
      return pinnedGroup != null;
    }

    ConsumerSpec pinnedTo(String group) {
      return new ConsumerSpec(stream, durable, filters, group);
    }
  }

  /** {@code ttl} zero means entries never expire. */
  public record BucketSpec(String name, Duration ttl, String purpose) {}

  public static final String ORDERS = "ORDERS";
  public static final String INVENTORY = "INVENTORY";
  public static final String PAYMENTS = "PAYMENTS";
  public static final String NOTIFICATIONS = "NOTIFICATIONS";
  public static final String AUDIT = "AUDIT";
  public static final String DLQ = "DLQ";
  /** Dead letters sent back to the one consumer that failed them: {@code orderflow.replay.<durable>.<token>}. */
  public static final String REPLAY = "REPLAY";
  /** Operational events (circuit-breaker transitions), not part of any order. */
  public static final String SYSTEM = "SYSTEM";
  public static final String REPLAY_PREFIX = "orderflow.replay";
  /** The priority group of the single-writer consumers (inventory's ledger, audit's chain). */
  public static final String WRITER_GROUP = "writer";

  /** The payment tokens orders hands to payments, and only to payments (its own stream). */
  public static final String PAYMENT_TOKENS = "PAYMENT_TOKENS";
  /** The email addresses orders hands to notifications (its own stream: erasing one is deleting its message). */
  public static final String CONTACTS = "CONTACTS";

  public static final List<StreamSpec> STREAMS = List.of(
      new StreamSpec(ORDERS, "orderflow.orders.>"),
      new StreamSpec(INVENTORY, "orderflow.inventory.>"),
      new StreamSpec(PAYMENTS, "orderflow.payments.>"),
      new StreamSpec(NOTIFICATIONS, "orderflow.notifications.>"),
      new StreamSpec(AUDIT, List.of("orderflow.audit.>"), true, false),
      new StreamSpec(DLQ, Subjects.DLQ + ".>"),
      new StreamSpec(REPLAY, REPLAY_PREFIX + ".>"),
      new StreamSpec(SYSTEM, "orderflow.system.>"),
      new StreamSpec(PAYMENT_TOKENS, List.of(Subjects.HANDOFF_PAYMENT_TOKEN + ".>"), false, true),
      new StreamSpec(CONTACTS, List.of(Subjects.HANDOFF_CONTACT + ".>"), false, true));

  /** Inventory's ledger: one writer at a time, pinned by the server; its writes still carry the sequence fence. */
  public static final ConsumerSpec INVENTORY_ORDERS = new ConsumerSpec(ORDERS, "inventory-orders", "orderflow.orders.>").pinnedTo(WRITER_GROUP);
  public static final ConsumerSpec PAYMENTS_RESERVED = new ConsumerSpec(INVENTORY, "payments-reserved", Subjects.INVENTORY_RESERVED + ".>");
  public static final ConsumerSpec ORDERS_REJECTED = new ConsumerSpec(INVENTORY, "orders-rejected", Subjects.INVENTORY_REJECTED + ".>");
  public static final ConsumerSpec ORDERS_PAYMENTS = new ConsumerSpec(PAYMENTS, "orders-payments", Subjects.PAYMENTS + ".>");
  /** Payments voids the charge of an order that ended CANCELLED. */
  public static final ConsumerSpec PAYMENTS_ENDED = new ConsumerSpec(ORDERS, "payments-ended", Subjects.ORDERS_ENDED + ".>");
  public static final ConsumerSpec NOTIFICATIONS_ENDED = new ConsumerSpec(ORDERS, "notifications-ended", Subjects.ORDERS_ENDED + ".>");
  public static final ConsumerSpec AUDIT_ORDERS = new ConsumerSpec(ORDERS, "audit-orders", "orderflow.orders.>").pinnedTo(WRITER_GROUP);
  public static final ConsumerSpec AUDIT_INVENTORY = new ConsumerSpec(INVENTORY, "audit-inventory", "orderflow.inventory.>").pinnedTo(WRITER_GROUP);
  public static final ConsumerSpec AUDIT_PAYMENTS = new ConsumerSpec(PAYMENTS, "audit-payments", "orderflow.payments.>").pinnedTo(WRITER_GROUP);
  public static final ConsumerSpec AUDIT_NOTIFICATIONS = new ConsumerSpec(NOTIFICATIONS, "audit-notifications", "orderflow.notifications.>").pinnedTo(WRITER_GROUP);
  /** Breaker transitions and operator actions (dead-letter replays and deletes, contact erasure) join the chain too. */
  public static final ConsumerSpec AUDIT_SYSTEM = new ConsumerSpec(SYSTEM, "audit-system", "orderflow.system.>").pinnedTo(WRITER_GROUP);
  /** What audit consumes: every event stream. */
  public static final List<ConsumerSpec> AUDIT_CONSUMERS = List.of(AUDIT_ORDERS, AUDIT_INVENTORY, AUDIT_PAYMENTS, AUDIT_NOTIFICATIONS, AUDIT_SYSTEM);

  /** The consumers that handle order events; each also has a replay consumer ({@link #replayOf}). */
  public static final List<ConsumerSpec> EVENT_CONSUMERS = List.of(INVENTORY_ORDERS, PAYMENTS_RESERVED, PAYMENTS_ENDED,
      ORDERS_REJECTED, ORDERS_PAYMENTS, NOTIFICATIONS_ENDED, AUDIT_ORDERS, AUDIT_INVENTORY, AUDIT_PAYMENTS, AUDIT_NOTIFICATIONS, AUDIT_SYSTEM);

  /**
   * The consumers on the saga's path: a dead letter of theirs (or of their replay consumers) ends its order
   * CANCELLED / PROCESSING_FAILED. Auditing and the consumers of ended orders fail after the outcome is
   * decided; cancelling then would contradict it.
   */
  public static final List<ConsumerSpec> SAGA_CONSUMERS = List.of(INVENTORY_ORDERS, PAYMENTS_RESERVED, ORDERS_REJECTED, ORDERS_PAYMENTS);

  /** The replay consumer of an event consumer: it receives only what the DLQ admin replays to that consumer. */
  public static ConsumerSpec replayOf(ConsumerSpec spec) {
    return new ConsumerSpec(REPLAY, spec.durable() + "-replay", List.of(REPLAY_PREFIX + "." + spec.durable() + ".>"), spec.pinnedGroup());
  }

  /** The subject a dead letter of {@code spec} is replayed on. */
  public static String replaySubject(ConsumerSpec spec, String originalSubject) {
    return REPLAY_PREFIX + "." + spec.durable() + "." + Subjects.lastToken(originalSubject);
  }

  /** The DLQ subject of a consumer's dead letters. */
  public static String deadLetterSubject(ConsumerSpec spec) {
    return Subjects.DLQ + "." + spec.durable();
  }

  /**
   * Orders ends the order of a dead letter. Its filters are exactly the saga consumers' dead-letter subjects
   * (a multi-filter consumer), so no other dead letter is delivered to it.
   */
  public static final ConsumerSpec ORDERS_DLQ = new ConsumerSpec(DLQ, "orders-dlq",
      SAGA_CONSUMERS.stream().flatMap(c -> Stream.of(c, replayOf(c))).map(Topology::deadLetterSubject).toList(), null);

  public static final List<ConsumerSpec> CONSUMERS = Stream.concat(EVENT_CONSUMERS.stream(),
      Stream.concat(EVENT_CONSUMERS.stream().map(Topology::replayOf), Stream.of(ORDERS_DLQ))).toList();

  public static final BucketSpec CATALOG = new BucketSpec("CATALOG", Duration.ZERO, "inventory's published catalog (sku -> price, active), read by orders");
  public static final BucketSpec ORDERS_VIEW = new BucketSpec("ORDERS_VIEW", Duration.ZERO, "orders' projection, key <customerId>.<orderId>");
  public static final BucketSpec AUDIT_CHECKPOINT = new BucketSpec("AUDIT_CHECKPOINT", Duration.ZERO, "audit chain checkpoints for verification");
  /**
   * How often a consumer's handler really failed on a message (an outage is never counted), key
   * {@code <durable>.<stream sequence>}: shared by every instance and kept across restarts, so a message is
   * dead-lettered after its configured attempts whoever tried it. Written only when a handler fails.
   */
  public static final BucketSpec FAILED_ATTEMPTS = new BucketSpec("FAILED_ATTEMPTS", Duration.ofDays(7),
      "per consumer and message: handler failures so far (outages not counted)");

  public static final List<BucketSpec> BUCKETS = List.of(CATALOG, ORDERS_VIEW, AUDIT_CHECKPOINT, FAILED_ATTEMPTS);

  /** An object store: values larger than one message (the server keeps them in chunks with a digest). */
  public record ObjectStoreSpec(String name, String purpose) {}

  /**
   * Inventory's ledger at a stream sequence (object {@code ledger}): a start-up loads it and folds only the
   * INVENTORY stream after it. Several MB with a long history, hence an object store and not a key-value entry.
   */
  public static final ObjectStoreSpec INVENTORY_SNAPSHOTS = new ObjectStoreSpec("INVENTORY_SNAPSHOTS",
      "inventory ledger snapshots: the ledger's state at an INVENTORY stream sequence");

  /**
   * Audit's chain state (head and per-order index) at an AUDIT stream sequence (object {@code chain}): a start-up
   * loads it and folds only the blocks after it. Tens of MB with a long history.
   */
  public static final ObjectStoreSpec AUDIT_SNAPSHOTS = new ObjectStoreSpec("AUDIT_SNAPSHOTS",
      "audit chain snapshots: the chain head and per-order index at an AUDIT stream sequence");

  public static final List<ObjectStoreSpec> OBJECT_STORES = List.of(INVENTORY_SNAPSHOTS, AUDIT_SNAPSHOTS);

  /** The stream that backs a key-value bucket. */
  public static String kvStream(BucketSpec bucket) {
    return "KV_" + bucket.name();
  }
}
