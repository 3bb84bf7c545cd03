package io.orderflow.orders.domain;

import io.orderflow.codecs.Ids;
import java.util.Optional;

/**
 * Which order a dead letter ends (I1: an order whose event was dead-lettered still ends, CANCELLED /
 * PROCESSING_FAILED), and the cancellation's detail. Which consumers' dead letters end orders at all (the
 * saga's, not auditing or the consumers of ended orders) is the orders-dlq consumer's filter on the server.
 * Whether the order already ended is the caller's check, against the stream.
 */
public final class DeadLetterPolicy {
  private DeadLetterPolicy() {}

  /**
   * The order a dead letter ends, or empty.
   *
   * @param subject the subject the failed message was published on; its last token is the order id
   */
  public static Optional<String> orderOf(String subject) {
    if (subject == null) return Optional.empty();
    String orderId = subject.substring(subject.lastIndexOf('.') + 1);
    return Ids.isOrderId(orderId) ? Optional.of(orderId) : Optional.empty();
  }

  /** The cancellation's detail: who failed and why, bounded like the dead letter's error. */
  public static String detail(String consumer, String error) {
    String detail = consumer + ": " + (error == null ? "unknown error" : error);
    return detail.length() > 1000 ? detail.substring(0, 1000) : detail;
  }
}
