package io.orderflow.runtime;

import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.JetStreamBridge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * For tests of one service: writes an order's hand-offs as orders does (their own streams, per-message TTL,
 * the subject naming the request's fingerprint). Events made in such tests carry {@link #REQUEST} as their
 * {@code requestHash}.
 */
public final class TestHandOffs {
  /** The request fingerprint tests use. */
  public static final String REQUEST = "0000000000000000000000000000000000000000000000000000000000000001";

  private TestHandOffs() {}

  public static void paymentToken(JetStreamBridge bridge, String orderId, String token, Duration ttl) {
    put(bridge, Subjects.handOff(Subjects.HANDOFF_PAYMENT_TOKEN, orderId, REQUEST), token, ttl);
  }

  public static void paymentToken(JetStreamBridge bridge, String orderId, String token) {
    paymentToken(bridge, orderId, token, Duration.ofHours(1));
  }

  public static void contact(JetStreamBridge bridge, String orderId, String email) {
    put(bridge, Subjects.handOff(Subjects.HANDOFF_CONTACT, orderId, REQUEST), email, Duration.ofHours(1));
  }

  private static void put(JetStreamBridge bridge, String subject, String value, Duration ttl) {
    try {
      bridge.publishHandOff(new JetStreamBridge.HandOff(subject, value.getBytes(StandardCharsets.UTF_8), ttl)).await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("hand-off " + subject + " not stored in 5 s", e);
    }
  }
}
