package io.orderflow.runtime;

import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.JetStreamBridge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** For tests of one service: writes an order's hand-offs as orders does (ORDERS stream, per-message TTL). */
public final class HandOffs {
  private HandOffs() {}

  public static void paymentToken(JetStreamBridge bridge, String orderId, String token, Duration ttl) {
    put(bridge, Subjects.HANDOFF_PAYMENT_TOKEN + "." + orderId, token, ttl);
  }

  public static void paymentToken(JetStreamBridge bridge, String orderId, String token) {
    paymentToken(bridge, orderId, token, Duration.ofHours(1));
  }

  public static void contact(JetStreamBridge bridge, String orderId, String email) {
    put(bridge, Subjects.HANDOFF_CONTACT + "." + orderId, email, Duration.ofHours(1));
  }

  private static void put(JetStreamBridge bridge, String subject, String value, Duration ttl) {
    try {
      bridge.publishRaw(subject, new Headers().put("Nats-TTL", ttl.toSeconds() + "s"), value.getBytes(StandardCharsets.UTF_8),
          PublishOptions.builder().build()).await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("hand-off " + subject + " not stored in 5 s", e);
    }
  }
}
