package io.orderflow.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubjectsTest {
  @Test
  void filtersMatchAsNatsMatchesThem() {
    assertThat(Subjects.matches("orderflow.orders.>", "orderflow.orders.placed.o-1")).isTrue();
    assertThat(Subjects.matches("orderflow.orders.>", "orderflow.orders")).isFalse();
    assertThat(Subjects.matches("orderflow.payments.decided.>", "orderflow.payments.voided.o-1")).isFalse();
    assertThat(Subjects.matches("orderflow.*.placed.*", "orderflow.orders.placed.o-1")).isTrue();
    assertThat(Subjects.matches("orderflow.*.placed", "orderflow.orders.placed.o-1")).isFalse();
    assertThat(Subjects.matches("orderflow.orders.placed.o-1", "orderflow.orders.placed.o-1")).isTrue();
    assertThat(Subjects.matches("orderflow.orders.placed.o-1", "orderflow.orders.placed.o-2")).isFalse();
  }
}
