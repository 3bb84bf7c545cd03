package io.orderflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {
  @Test
  void percentilesCountAnOrderThatNeverEndedAsInfinitelyLate() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) nanos[i] = (i + 1) * 1_000_000L;
    var p = StepResult.Percentiles.of(nanos);
    assertThat(p.p50()).isEqualTo(50.0);
    assertThat(p.p99()).isEqualTo(99.0);
    assertThat(p.max()).isEqualTo(100.0);
    nanos[3] = Long.MAX_VALUE;
    nanos[4] = Long.MAX_VALUE;
    assertThat(StepResult.Percentiles.of(nanos).p99()).isInfinite();
  }

  @Test
  void aStepHoldsOnlyWithinTheTargetAllAcceptedAndNoGrowingBacklog() {
    assertThat(step(100, 100, 200, 0, 50).held()).isTrue();
    assertThat(step(100, 99, 200, 0, 50).held()).as("an order refused").isFalse();
    assertThat(step(100, 100, 300, 0, 50).held()).as("p99 over 250 ms").isFalse();
    assertThat(step(100, 100, 200, 10, 111).growing()).as("grew by more than one second of arrivals").isTrue();
    assertThat(step(100, 100, 200, 10, 110).growing()).isFalse();
    var tenDeliveriesAnOrder = new StepResult("orderflow", 100, 60, 100, 100, 100, step(100, 100, 200, 0, 0).e2e(), step(100, 100, 200, 0, 0).e2e(),
        10, 900, Map.of(), Map.of(), 10, 5, 10, Bench.P99_TARGET_MS);
    assertThat(tenDeliveriesAnOrder.growing()).as("one second of arrivals is a thousand messages at ten deliveries an order").isFalse();
  }

  @Test
  void theOrderMixIsNinetyPaidFiveDeclinedFiveOutOfStockWithOneToFiveLines() {
    int declined = 0;
    int outOfStock = 0;
    int hot = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      var o = Bench.order(i);
      if (o.token().equals(Run.DECLINED)) declined++;
      boolean oos = o.items().keySet().stream().anyMatch(sku -> sku.compareTo(Bench.sku(Bench.SKUS - Bench.OUT_OF_STOCK_SKUS)) >= 0);
      if (oos) outOfStock++;
      assertThat(o.items()).hasSizeBetween(1, 6);
      assertThat(oos && o.token().equals(Run.DECLINED)).isFalse();
      if (o.items().keySet().stream().anyMatch(sku -> sku.compareTo(Bench.sku(Bench.HOT_SKUS)) < 0)) hot++;
    }
    assertThat(declined / (double) n).isBetween(0.04, 0.06);
    assertThat(outOfStock / (double) n).isBetween(0.04, 0.06);
    assertThat(hot / (double) n).as("orders touching a hot SKU").isGreaterThan(0.4);
    assertThat(Bench.order(7)).as("the same order for the same number: reproducible").isEqualTo(Bench.order(7));
  }

  @Test
  void pacerHandsOutEveryScheduledSendAtTheRate() throws Exception {
    List<Long> times = new ArrayList<>();
    long n = Pacer.drive(200, 0.5, times::add);
    assertThat(n).isEqualTo(100);
    assertThat(times).hasSize(100);
    assertThat(times.get(99) - times.get(0)).isEqualTo((long) (99 * 1e9 / 200));
  }

  @Test
  void theChartDrawsOneLinePerTargetAndMarksStepsThatDidNotHold() {
    String svg = BenchChart.svg(List.of(step(100, 100, 200, 0, 0), step(200, 200, 900, 0, 0)), 250);
    assertThat(svg).startsWith("<svg").contains("polyline").contains("orderflow").contains("p99 target 250 ms").contains("fill=\"white\"/>");
  }

  private static StepResult step(double rate, long accepted, double p99, long early, long end) {
    var p = new StepResult.Percentiles(p99 / 4, p99 / 2, p99, p99 * 1.2, (int) accepted);
    return new StepResult("orderflow", rate, 60, (long) rate, accepted, accepted, p, p, early, end, Map.of("services", 1.0), Map.of(), 10, 5,
        1, Bench.P99_TARGET_MS);
  }
}
