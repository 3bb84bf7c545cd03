package io.orderflow.codecs;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Identifiers that end up in NATS subjects and key-value keys, so they are restricted to characters that
 * are safe there. Event ids are deterministic per (order, event type) so that a retried publish carries
 * the same {@code Nats-Msg-Id} and the broker deduplicates it.
 */
public final class Ids {
  private static final Pattern SKU = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern ORDER = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static boolean isSku(String s) {
    return s != null && SKU.matcher(s).matches();
  }

  public static boolean isCustomerId(String s) {
    return s != null && CUSTOMER.matcher(s).matches();
  }

  public static boolean isOrderId(String s) {
    return s != null && ORDER.matcher(s).matches();
  }

  static String requireSku(String sku) {
    if (!isSku(sku)) throw new IllegalArgumentException("invalid sku: " + sku);
    return sku;
  }

  static String requireOrderId(String id) {
    if (!isOrderId(id)) throw new IllegalArgumentException("invalid order id: " + id);
    return id;
  }

  static String requireCustomerId(String id) {
    if (!isCustomerId(id)) throw new IllegalArgumentException("invalid customer id: " + id);
    return id;
  }

  /** A new order id: a UUIDv7, so ids sort by creation time (newest-first listings need no extra index). */
  public static String newOrderId() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * The order id an idempotency key stands for: a UUIDv7-shaped id whose time part is the first request's
   * time is not reproducible, so a keyed order gets a name-based id (customer + key) instead.
   */
  public static String orderIdForIdempotencyKey(String customerId, String idempotencyKey) {
    return UUID.nameUUIDFromBytes(("order:" + customerId + ":" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The deterministic event id of an order's event of one type. */
  public static String eventId(String orderId, EventType type) {
    return UUID.nameUUIDFromBytes((orderId + "/" + type.ceType()).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Events that are not about one order (stock set by an operator) get a random id. */
  public static String randomEventId() {
    return UUID.randomUUID().toString();
  }
}
