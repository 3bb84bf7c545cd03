package io.orderflow.codecs;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Identifiers that end up in NATS subjects and key-value keys, so they are restricted to characters that
 * are safe there. Event ids are deterministic per (order, event type) so that a retried publish carries
 * the same {@code Nats-Msg-Id} and the broker deduplicates it.
 */
public final class Ids {
  /** SKUs and customer ids: 1 to 64 of {@code [A-Za-z0-9_-]}. */
  private static final int MAX_TOKEN_LENGTH = 64;
  /** Order ids: a UUID in its canonical form, lowercase, {@code 8-4-4-4-12} hex digits. */
  private static final int ORDER_ID_LENGTH = 36;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static boolean isSku(String s) {
    return isToken(s);
  }

  public static boolean isCustomerId(String s) {
    return isToken(s);
  }

  public static boolean isOrderId(String s) {
    if (s == null || s.length() != ORDER_ID_LENGTH) return false;
    for (int i = 0; i < ORDER_ID_LENGTH; i++) {
      char c = s.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !isLowerHex(c)) return false;
    }
    return true;
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

  // Loops rather than regexes: ids are checked several times in every event decoded.
  private static boolean isToken(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_TOKEN_LENGTH) return false;
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) return false;
    }
    return true;
  }

  private static boolean isTokenChar(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
  }

  private static boolean isLowerHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
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
