package io.orderflow.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterPolicyTest {
  private static final String ORDER = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

  @Test
  void aFailureOnTheSagasPathCancelsTheOrderNamedByTheSubject() {
    assertThat(DeadLetterPolicy.orderToCancel("inventory-orders", "orderflow.orders.placed." + ORDER)).contains(ORDER);
    assertThat(DeadLetterPolicy.orderToCancel("payments-reserved", "orderflow.inventory.reserved." + ORDER)).contains(ORDER);
    assertThat(DeadLetterPolicy.orderToCancel("orders-payments", "orderflow.payments.decided." + ORDER)).contains(ORDER);
    assertThat(DeadLetterPolicy.orderToCancel("orders-rejected", "orderflow.inventory.rejected." + ORDER)).contains(ORDER);
  }

  @Test
  void aReplayConsumerCountsAsTheConsumerItReplaysTo() {
    assertThat(DeadLetterPolicy.orderToCancel("orders-payments-replay", "orderflow.replay.orders-payments." + ORDER)).contains(ORDER);
    assertThat(DeadLetterPolicy.orderToCancel("audit-orders-replay", "orderflow.replay.audit-orders." + ORDER)).isEmpty();
  }

  @Test
  void auditAndTheConsumersOfEndedOrdersNeverCancel() {
    for (String consumer : new String[] {"audit-orders", "audit-inventory", "audit-payments", "audit-notifications",
        "notifications-ended", "payments-ended"}) {
      assertThat(DeadLetterPolicy.orderToCancel(consumer, "orderflow.orders.ended." + ORDER)).as(consumer).isEmpty();
    }
  }

  @Test
  void aSubjectThatNamesNoOrderCancelsNothing() {
    assertThat(DeadLetterPolicy.orderToCancel("inventory-orders", "orderflow.inventory.stock.SKU-1")).isEmpty();
    assertThat(DeadLetterPolicy.orderToCancel("orders-payments", "orderflow.payments.decided.not-an-order")).isEmpty();
    assertThat(DeadLetterPolicy.orderToCancel(null, "orderflow.payments.decided." + ORDER)).isEmpty();
    assertThat(DeadLetterPolicy.orderToCancel("orders-payments", null)).isEmpty();
  }

  @Test
  void theDetailNamesTheConsumerAndItsErrorWithinBounds() {
    assertThat(DeadLetterPolicy.detail("orders-payments", "MALFORMED: not JSON")).isEqualTo("orders-payments: MALFORMED: not JSON");
    assertThat(DeadLetterPolicy.detail("orders-payments", "x".repeat(5000))).hasSize(1000);
  }
}
