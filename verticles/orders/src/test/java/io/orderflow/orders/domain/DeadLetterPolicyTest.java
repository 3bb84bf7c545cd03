package io.orderflow.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterPolicyTest {
  private static final String ORDER = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

  @Test
  void theOrderIsTheLastTokenOfTheFailedMessagesSubject() {
    assertThat(DeadLetterPolicy.orderOf("orderflow.orders.placed." + ORDER)).contains(ORDER);
    assertThat(DeadLetterPolicy.orderOf("orderflow.inventory.reserved." + ORDER)).contains(ORDER);
    assertThat(DeadLetterPolicy.orderOf("orderflow.replay.orders-payments." + ORDER)).contains(ORDER);
  }

  @Test
  void aSubjectThatNamesNoOrderCancelsNothing() {
    assertThat(DeadLetterPolicy.orderOf("orderflow.inventory.stock.SKU-1")).isEmpty();
    assertThat(DeadLetterPolicy.orderOf("orderflow.payments.decided.not-an-order")).isEmpty();
    assertThat(DeadLetterPolicy.orderOf(null)).isEmpty();
  }

  @Test
  void theDetailNamesTheConsumerAndItsErrorWithinBounds() {
    assertThat(DeadLetterPolicy.detail("orders-payments", "MALFORMED: not JSON")).isEqualTo("orders-payments: MALFORMED: not JSON");
    assertThat(DeadLetterPolicy.detail("orders-payments", "x".repeat(5000))).hasSize(1000);
  }
}
