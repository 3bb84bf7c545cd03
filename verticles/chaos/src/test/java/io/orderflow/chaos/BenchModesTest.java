package io.orderflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outage and history modes: their options, the rate they run at, and how the drain time is read. */
class BenchModesTest {
  @TempDir
  Path dir;

  @Test
  void theOutageRunsAtAFifthOfTheGivenRateElseTheLastFindMaxElseTheDefault() throws Exception {
    assertThat(OutageRun.max(options("--rate", "50")).perSecond()).isEqualTo(50);
    assertThat(OutageRun.max(options()).perSecond()).isEqualTo(OutageRun.DEFAULT_MAX);
    assertThat(OutageRun.max(options()).source()).contains("default");
    OutageRun.recordMax(dir, 116.9);
    assertThat(OutageRun.max(options()).perSecond()).isEqualTo(116.9);
    assertThat(OutageRun.max(options()).source()).contains("find-max");
    assertThat(OutageRun.max(options("--rate", "50")).perSecond()).as("--rate wins over the record").isEqualTo(50);
    Files.writeString(dir.resolve(OutageRun.LAST_FIND_MAX), "not json");
    assertThat(OutageRun.max(options()).perSecond()).as("an unreadable record falls back to the default").isEqualTo(OutageRun.DEFAULT_MAX);
  }

  @Test
  void drainTimeCountsFromRecoveryUntilTheBacklogIsBackToItsNormalLevelAndEveryEarlierOrderEnded() {
    DrainClock c = new DrainClock();
    long s = 1_000_000_000L;
    c.add(new DrainClock.Sample(0, 12, 3, 3));
    c.add(new DrainClock.Sample(s, 20, 4, 4)); // normal under load: up to 20 messages
    c.outageStarted(2 * s);
    c.add(new DrainClock.Sample(3 * s, 400, 60, 60));
    c.healed(4 * s);
    assertThat(c.drainSeconds()).as("not drained yet").isNaN();
    c.add(new DrainClock.Sample(5 * s, 900, 80, 75));
    c.add(new DrainClock.Sample(6 * s, 15, 3, 1)); // consumers back to normal, one earlier order still open
    assertThat(c.drained()).isFalse();
    c.add(new DrainClock.Sample(7 * s + s / 2, 18, 2, 0));
    c.add(new DrainClock.Sample(8 * s, 0, 0, 0));
    assertThat(c.baseline()).isEqualTo(20);
    assertThat(c.drainSeconds()).isEqualTo(3.5);
    assertThat(c.maxMessages()).isEqualTo(900);
    assertThat(c.maxOpenOrders()).isEqualTo(80);
  }

  @Test
  void theHistoryP99LimitIsTheEmptySystemsPlusTenPercentPlusTenMilliseconds() {
    assertThat(HistoryRun.p99Limit(100)).isCloseTo(120, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(HistoryRun.p99Limit(0)).isEqualTo(10);
  }

  @Test
  void aServiceOfTheCombinedProcessIsReadyWhenNoneOfReadysFailuresNamesIt() {
    String body = "{\"status\":\"DOWN\",\"failures\":[\"audit:log: still folding the AUDIT stream\"]}";
    assertThat(StartupClock.readyIn("orders", 503, body)).isTrue();
    assertThat(StartupClock.readyIn("audit", 503, body)).isFalse();
    assertThat(StartupClock.readyIn("audit", 200, "{\"status\":\"UP\"}")).isTrue();
    assertThat(StartupClock.readyIn("orders", 503, "{\"status\":\"DOWN\",\"failures\":[\"draining\"]}")).isFalse();
    assertThat(StartupClock.readyIn("orders", 500, "")).isFalse();
  }

  private Bench.Options options(String... args) {
    return new Bench.Options(args.length > 0 ? Double.parseDouble(args[1]) : 100, 60, 15, false, false, dir, args.length > 0, 0, 0);
  }
}
