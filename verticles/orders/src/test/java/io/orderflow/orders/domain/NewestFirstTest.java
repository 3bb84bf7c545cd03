package io.orderflow.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NewestFirstTest {
  /** A log of {@code size} entries of which {@code matching} match; counts the probes. */
  static final class Log implements NewestFirst.Probe<Long> {
    final TreeSet<Long> matching = new TreeSet<>();
    int probes;

    public NewestFirst.Hit<Long> firstFrom(long sequence) {
      probes++;
      Long s = matching.ceiling(sequence);
      return s == null ? null : new NewestFirst.Hit<>(s, s);
    }

    List<Long> pages(long before, int size) throws Exception {
      List<Long> all = new ArrayList<>();
      for (long cursor = before; ; ) {
        List<NewestFirst.Hit<Long>> page = NewestFirst.before(this, cursor, size + 1);
        page.stream().limit(size).forEach(h -> all.add(h.value()));
        if (page.size() <= size) return all;
        cursor = page.get(size - 1).sequence();
      }
    }
  }

  @Test
  void pagesListEveryMatchOnceNewestFirst() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      Log log = new Log();
      int size = 1 + random.nextInt(5000);
      double density = random.nextDouble() * random.nextDouble();
      for (long s = 1; s <= size; s++) if (random.nextDouble() < density) log.matching.add(s);
      assertThat(log.pages(size + 1, 1 + random.nextInt(30))).containsExactlyElementsOf(log.matching.descendingSet());
    }
  }

  @Test
  void aPageOfASparseCustomerCostsLogarithmicallyManyProbes() throws Exception {
    Log log = new Log();
    long size = 1_000_000;
    for (long s : List.of(17L, 400_000L, 999_000L)) log.matching.add(s);
    assertThat(NewestFirst.before(log, size + 1, 21)).extracting(NewestFirst.Hit::sequence).containsExactly(999_000L, 400_000L, 17L);
    assertThat(log.probes).isLessThan(150);
  }

  @Test
  void aLaterPageOfADenseCustomerCostsWhatTheFirstDoes() throws Exception {
    Log log = new Log();
    for (long s = 1; s <= 200_000; s++) log.matching.add(s);
    NewestFirst.before(log, 100_001, 21);
    assertThat(log.probes).isLessThan(100);
  }

  @Test
  void nothingBelowTheCursorIsAnEmptyPage() throws Exception {
    Log log = new Log();
    log.matching.add(50L);
    assertThat(NewestFirst.before(log, 50, 10)).isEmpty();
    assertThat(NewestFirst.before(log, 51, 10)).hasSize(1);
  }
}
