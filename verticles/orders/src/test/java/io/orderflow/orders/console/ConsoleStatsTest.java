package io.orderflow.orders.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleStatsTest {
  static final Instant T0 = Instant.parse("2026-12-01T01:00:00Z");
  static final long S0 = T0.getEpochSecond();

  @Test
  void ratesAverageTheLastFiveWholeSecondsByOutcome() {
    var stats = new ConsoleStats();
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 4; i++) stats.placed(S0 + s, "o-" + s + "-" + i, T0.plusSeconds(s), 100, "EUR");
      stats.ended(S0 + s, "o-" + s + "-0", "CONFIRMED", null, T0.plusSeconds(s));
      stats.ended(S0 + s, "o-" + s + "-1", "CANCELLED", "payment_declined", T0.plusSeconds(s));
    }
    JsonObject snap = stats.snapshot(S0 + 5, T0.plusSeconds(5));
    assertThat(snap.getJsonObject("rates").getDouble("placed")).isEqualTo(4.0);
    assertThat(snap.getJsonObject("rates").getDouble("confirmed")).isEqualTo(1.0);
    assertThat(snap.getJsonObject("rates").getDouble("cancelled")).isEqualTo(1.0);
    assertThat(snap.getJsonObject("totals").getLong("placed")).isEqualTo(20);
    assertThat(snap.getJsonObject("cancelReasons").getLong("payment_declined")).isEqualTo(5);
    assertThat(snap.getJsonArray("series")).hasSize(5); // whole seconds only
  }

  @Test
  void aRedeliveredPlacementCountsOnce() {
    var stats = new ConsoleStats();
    stats.placed(S0, "o-1", T0, 100, "EUR");
    stats.placed(S0, "o-1", T0, 100, "EUR");
    assertThat(stats.snapshot(S0, T0).getJsonObject("totals").getLong("placed")).isEqualTo(1);
  }

  @Test
  void latencyIsPlacedToEndedWithNearestRankPercentiles() {
    var stats = new ConsoleStats();
    for (int i = 1; i <= 100; i++) {
      stats.placed(S0, "o-" + i, T0, 100, "EUR");
      stats.ended(S0 + 1, "o-" + i, "CONFIRMED", null, T0.plusMillis(i * 10L));
    }
    JsonObject latency = stats.snapshot(S0 + 2, T0.plusSeconds(2)).getJsonObject("latency");
    assertThat(latency.getInteger("count")).isEqualTo(100);
    assertThat(latency.getDouble("p50")).isEqualTo(500.0);
    assertThat(latency.getDouble("p95")).isEqualTo(950.0);
    assertThat(latency.getDouble("p99")).isEqualTo(990.0);
  }

  @Test
  void theWindowKeepsTwoMinutesAndLatencyOnlyItsLastThirtySeconds() {
    var stats = new ConsoleStats();
    stats.placed(S0, "o-1", T0, 100, "EUR");
    stats.ended(S0, "o-1", "CONFIRMED", null, T0.plusMillis(50));
    JsonObject later = stats.snapshot(S0 + 300, T0.plusSeconds(300));
    assertThat(later.getJsonArray("series")).hasSize(ConsoleStats.WINDOW_SECONDS - 1);
    assertThat(later.getJsonObject("latency").getInteger("count")).isZero();
    assertThat(later.getJsonObject("latency").containsKey("p99")).isFalse();
    assertThat(later.getJsonObject("totals").getLong("confirmed")).isEqualTo(1);
  }

  @Test
  void theBreakerIsOpenWhileAnyInstanceIsAndHistoryIsNewestFirst() {
    var stats = new ConsoleStats();
    assertThat(stats.breakerState(T0)).isEqualTo("unknown");
    stats.breaker("OPEN", T0, "payments@a");
    stats.breaker("CLOSED", T0.plusSeconds(1), "payments@b");
    assertThat(stats.breakerState(T0.plusSeconds(1))).isEqualTo("open");
    stats.breaker("HALF_OPEN", T0.plusSeconds(5), "payments@a");
    assertThat(stats.breakerState(T0.plusSeconds(5))).isEqualTo("half_open");
    stats.breaker("CLOSED", T0.plusSeconds(6), "payments@a");
    stats.breaker("OPEN", T0.plusSeconds(2), "payments@a"); // late and older: ignored
    var breaker = stats.snapshot(S0 + 7, T0.plusSeconds(7)).getJsonObject("breaker");
    assertThat(breaker.getString("state")).isEqualTo("closed");
    assertThat(breaker.getString("since")).isEqualTo(T0.plusSeconds(6).toString());
    assertThat(breaker.getJsonArray("history").getJsonObject(0).getString("state")).isEqualTo("closed");
    assertThat(breaker.getJsonArray("history")).hasSize(4);
  }

  @Test
  void anInstanceSilentAfterAnnouncingAnOpenBreakerNoLongerHoldsItOpen() {
    var stats = new ConsoleStats();
    stats.breaker("CLOSED", T0, "payments@b");
    stats.breaker("OPEN", T0, "payments@killed");
    assertThat(stats.breakerState(T0.plusSeconds(60))).isEqualTo("open");
    assertThat(stats.breakerState(T0.plus(ConsoleStats.BREAKER_SILENCE))).isEqualTo("closed");
  }

  @Test
  void aSecondDifferentEndingIsNotCountedUntilTheStreamSaysWhichItKept() {
    var stats = new ConsoleStats();
    stats.placed(S0, "o-1", T0, 100, "EUR");
    assertThat(stats.ended(S0, "o-1", "CANCELLED", "payment_declined", T0)).isFalse();
    assertThat(stats.ended(S0, "o-1", "CANCELLED", "payment_declined", T0)).isFalse(); // a repeat
    assertThat(stats.ended(S0, "o-1", "CONFIRMED", null, T0)).isTrue(); // the race's other side
    JsonObject before = stats.snapshot(S0 + 1, T0.plusSeconds(1));
    assertThat(before.getJsonObject("totals").getLong("cancelled")).isEqualTo(1);
    assertThat(before.getJsonObject("totals").getLong("confirmed")).isZero();
    stats.settle("o-1", "CONFIRMED", null, T0);
    JsonObject after = stats.snapshot(S0 + 1, T0.plusSeconds(1));
    assertThat(after.getJsonObject("totals").getLong("cancelled")).isZero();
    assertThat(after.getJsonObject("totals").getLong("confirmed")).isEqualTo(1);
    assertThat(after.getJsonObject("cancelReasons").getLong("payment_declined")).isZero();
    assertThat(after.getJsonArray("latest").getJsonObject(0).getString("status")).isEqualTo("CONFIRMED");
  }

  @Test
  void backlogSumsPendingAndUnacknowledgedAndTheLatestOrdersShowTheirEnd() {
    var stats = new ConsoleStats();
    stats.broker(S0, T0, List.of(new ConsoleStats.Consumer("INVENTORY", "payments-reserved", 7, 3, 0, true, null),
        new ConsoleStats.Consumer("ORDERS", "inventory-orders", 0, 1, 0, false, T0)), 2);
    for (int i = 0; i < 20; i++) stats.placed(S0, "o-" + i, T0, 100 + i, "EUR");
    stats.ended(S0, "o-19", "CANCELLED", "out_of_stock", T0.plusSeconds(1));
    JsonObject snap = stats.snapshot(S0 + 2, T0.plusSeconds(2));
    assertThat(snap.getLong("backlog")).isEqualTo(11);
    assertThat(snap.getJsonArray("backlogSeries").getJsonObject(1).getLong("value")).isEqualTo(11); // carried over a second without a reading
    assertThat(snap.getJsonObject("dlq").getLong("count")).isEqualTo(2);
    assertThat(snap.getJsonArray("consumers").getJsonObject(0).getBoolean("paused")).isTrue();
    var latest = snap.getJsonArray("latest");
    assertThat(latest).hasSize(ConsoleStats.LATEST);
    assertThat(latest.getJsonObject(0).getString("orderId")).isEqualTo("o-19");
    assertThat(latest.getJsonObject(0).getString("status")).isEqualTo("CANCELLED");
    assertThat(latest.getJsonObject(0).getString("reason")).isEqualTo("out_of_stock");
    assertThat(latest.getJsonObject(1).getString("status")).isEqualTo("PENDING");
  }
}
