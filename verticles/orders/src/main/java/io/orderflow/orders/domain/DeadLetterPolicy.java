package io.orderflow.orders.domain;

import io.orderflow.codecs.Ids;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters end an order (I1: an order whose event was dead-lettered still ends, CANCELLED /
 * PROCESSING_FAILED). Only a failure on the saga's path does: auditing and the consumers of ended orders
 * (mail, voiding a charge) fail after the order's outcome is decided, and cancelling then would contradict
 * it. Whether the order already ended is the caller's check, against the stream.
 */
public final class DeadLetterPolicy {
  private static final String REPLAY_SUFFIX = "-replay";
  private static final Set<String> AFTER_THE_END = Set.of("notifications-ended", "payments-ended");

  private DeadLetterPolicy() {}

  /**
   * The order a dead letter ends, or empty.
   *
   * @param consumer the durable name of the consumer that failed the message (a replay consumer counts as its event consumer)
   * @param subject the subject the failed message was published on; its last token is the order id
   */
  public static Optional<String> orderToCancel(String consumer, String subject) {
    if (consumer == null || subject == null) return Optional.empty();
    String failedBy = consumer.endsWith(REPLAY_SUFFIX) ? consumer.substring(0, consumer.length() - REPLAY_SUFFIX.length()) : consumer;
    if (failedBy.startsWith("audit-") || AFTER_THE_END.contains(failedBy)) return Optional.empty();
    String orderId = subject.substring(subject.lastIndexOf('.') + 1);
    return Ids.isOrderId(orderId) ? Optional.of(orderId) : Optional.empty();
  }

  /** The cancellation's detail: who failed and why, bounded like the dead letter's error. */
  public static String detail(String consumer, String error) {
    String detail = consumer + ": " + (error == null ? "unknown error" : error);
    return detail.length() > 1000 ? detail.substring(0, 1000) : detail;
  }
}
