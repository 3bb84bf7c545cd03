package io.orderflow.runtime.messaging;

import io.orderflow.codecs.Subjects;
import java.time.Duration;
import java.util.List;

/**
 * Every stream, consumer and key-value bucket of orderflow, named once. {@link Provisioner} creates them;
 * services only look them up. The names are the contract between the services and the broker.
 */
public final class Topology {
  private Topology() {}

  public record StreamSpec(String name, String subjects, boolean immutable) {}

  public record ConsumerSpec(String stream, String durable, String filter) {}

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

  public static final List<StreamSpec> STREAMS = List.of(
      new StreamSpec(ORDERS, "orderflow.orders.>", false),
      new StreamSpec(INVENTORY, "orderflow.inventory.>", false),
      new StreamSpec(PAYMENTS, "orderflow.payments.>", false),
      new StreamSpec(NOTIFICATIONS, "orderflow.notifications.>", false),
      new StreamSpec(AUDIT, "orderflow.audit.>", true),
      new StreamSpec(DLQ, Subjects.DLQ + ".>", false),
      new StreamSpec(REPLAY, REPLAY_PREFIX + ".>", false),
      new StreamSpec(SYSTEM, "orderflow.system.>", false));

  // Consumers: one filter subject each (nats-server 2.9), so the subject layout in Subjects serves them.
  public static final ConsumerSpec INVENTORY_ORDERS = new ConsumerSpec(ORDERS, "inventory-orders", "orderflow.orders.>");
  public static final ConsumerSpec PAYMENTS_RESERVED = new ConsumerSpec(INVENTORY, "payments-reserved", Subjects.INVENTORY_RESERVED + ".>");
  public static final ConsumerSpec ORDERS_REJECTED = new ConsumerSpec(INVENTORY, "orders-rejected", Subjects.INVENTORY_REJECTED + ".>");
  public static final ConsumerSpec ORDERS_PAYMENTS = new ConsumerSpec(PAYMENTS, "orders-payments", Subjects.PAYMENTS + ".>");
  /** Payments voids the charge of an order cancelled after payment. */
  public static final ConsumerSpec PAYMENTS_ENDED = new ConsumerSpec(ORDERS, "payments-ended", Subjects.ORDERS_ENDED + ".>");
  /** Orders ends an order whose event was dead-lettered (raw messages: the runner does not decode them). */
  public static final ConsumerSpec ORDERS_DLQ = new ConsumerSpec(DLQ, "orders-dlq", Subjects.DLQ + ".>");
  public static final ConsumerSpec NOTIFICATIONS_ENDED = new ConsumerSpec(ORDERS, "notifications-ended", Subjects.ORDERS_ENDED + ".>");
  public static final ConsumerSpec AUDIT_ORDERS = new ConsumerSpec(ORDERS, "audit-orders", "orderflow.orders.>");
  public static final ConsumerSpec AUDIT_INVENTORY = new ConsumerSpec(INVENTORY, "audit-inventory", "orderflow.inventory.>");
  public static final ConsumerSpec AUDIT_PAYMENTS = new ConsumerSpec(PAYMENTS, "audit-payments", "orderflow.payments.>");
  public static final ConsumerSpec AUDIT_NOTIFICATIONS = new ConsumerSpec(NOTIFICATIONS, "audit-notifications", "orderflow.notifications.>");

  /** The consumers that handle order events; each also has a replay consumer ({@link #replayOf}). */
  public static final List<ConsumerSpec> EVENT_CONSUMERS = List.of(INVENTORY_ORDERS, PAYMENTS_RESERVED, PAYMENTS_ENDED,
      ORDERS_REJECTED, ORDERS_PAYMENTS, NOTIFICATIONS_ENDED, AUDIT_ORDERS, AUDIT_INVENTORY, AUDIT_PAYMENTS, AUDIT_NOTIFICATIONS);

  /** The replay consumer of an event consumer: it receives only what the DLQ admin replays to that consumer. */
  public static ConsumerSpec replayOf(ConsumerSpec spec) {
    return new ConsumerSpec(REPLAY, spec.durable() + "-replay", REPLAY_PREFIX + "." + spec.durable() + ".>");
  }

  /** The subject a dead letter of {@code spec} is replayed on. */
  public static String replaySubject(ConsumerSpec spec, String originalSubject) {
    return REPLAY_PREFIX + "." + spec.durable() + "." + Subjects.lastToken(originalSubject);
  }

  public static final List<ConsumerSpec> CONSUMERS = java.util.stream.Stream.concat(EVENT_CONSUMERS.stream(),
      java.util.stream.Stream.concat(EVENT_CONSUMERS.stream().map(Topology::replayOf), java.util.stream.Stream.of(ORDERS_DLQ))).toList();

  public static final BucketSpec CATALOG = new BucketSpec("CATALOG", Duration.ZERO, "inventory's published catalog (sku -> price, active), read by orders");
  public static final BucketSpec ORDERS_VIEW = new BucketSpec("ORDERS_VIEW", Duration.ZERO, "orders' projection, key <customerId>.<orderId>");
  public static final BucketSpec PAYMENT_TOKENS = new BucketSpec("PAYMENT_TOKENS", Duration.ofHours(24), "orders -> payments hand-off of payment tokens");
  public static final BucketSpec CONTACTS = new BucketSpec("CONTACTS", Duration.ofDays(30), "orders -> notifications hand-off of email addresses");
  public static final BucketSpec LEASES = new BucketSpec("LEASES", Duration.ofSeconds(10), "single-writer leases (inventory ledger, audit chain)");
  public static final BucketSpec AUDIT_CHECKPOINT = new BucketSpec("AUDIT_CHECKPOINT", Duration.ZERO, "audit chain checkpoints for verification");

  public static final List<BucketSpec> BUCKETS = List.of(CATALOG, ORDERS_VIEW, PAYMENT_TOKENS, CONTACTS, LEASES, AUDIT_CHECKPOINT);

  /** The stream that backs a key-value bucket. */
  public static String kvStream(BucketSpec bucket) {
    return "KV_" + bucket.name();
  }
}
