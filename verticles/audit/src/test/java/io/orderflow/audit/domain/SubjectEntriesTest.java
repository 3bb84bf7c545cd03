package io.orderflow.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubjectEntriesTest {
  @Test
  void everyIdReadsBackExactlyAsGivenWhateverItsForm() {
    String[] ids = {UUID.randomUUID().toString(), "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-0000-0000-000000000000",
        UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT), "plain", "", UUID.randomUUID().toString().replace("-", "")};
    SubjectEntries e = SubjectEntries.EMPTY;
    for (int i = 0; i < ids.length; i++) e = e.with(1000L + i, i * 7, ids[i]);
    for (int i = 0; i < ids.length; i++) {
      assertThat(e.eventId(i)).isEqualTo(ids[i]);
      assertThat(e.streamSequence(i)).isEqualTo(1000L + i);
      assertThat(e.offset(i)).isEqualTo(i * 7);
      assertThat(e.contains(ids[i])).isTrue();
    }
    assertThat(e.contains(UUID.randomUUID().toString())).isFalse();
    assertThat(e.contains("other")).isFalse();
  }

  @Test
  void anAppendLeavesTheOriginalAsItWas() {
    String id = UUID.randomUUID().toString();
    SubjectEntries one = SubjectEntries.EMPTY.with(1, 0, id);
    SubjectEntries two = one.with(2, 3, "x");
    assertThat(one.size()).isEqualTo(1);
    assertThat(one.contains("x")).isFalse();
    assertThat(two.size()).isEqualTo(2);
    assertThat(SubjectEntries.EMPTY.size()).isZero();
  }

  @Test
  void theLargestPositionsFit() {
    SubjectEntries e = SubjectEntries.EMPTY.with((1L << 47) - 1, 65_535, "a");
    assertThat(e.streamSequence(0)).isEqualTo((1L << 47) - 1);
    assertThat(e.offset(0)).isEqualTo(65_535);
  }
}
