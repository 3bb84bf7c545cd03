package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultSettingsTest {

  @Test
  void settingsLeftOutTakeTheirDefaults() {
    assertThat(FaultSettings.of("slow", null, null, null, null))
        .isEqualTo(new FaultSettings(FaultMode.SLOW, 2_000, 0.3, 42, true));
    assertThat(FaultSettings.of("ok", null, null, null, null)).isEqualTo(FaultSettings.NONE);
  }

  @Test
  void everySettingCanBeGiven() {
    assertThat(FaultSettings.of("flaky", 10L, 0.5, -3L, false))
        .isEqualTo(new FaultSettings(FaultMode.FLAKY, 10, 0.5, -3, false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ok", "down", "slow", "flaky", "timeout-after-charge"})
  void everyModeIsKnownByItsCode(String code) {
    assertThat(FaultSettings.of(code, null, null, null, null).mode().code()).isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "OK", "timeout", "broken"})
  void rejectsAnUnknownModeNamingTheKnownOnes(String mode) {
    assertThatThrownBy(() -> FaultSettings.of(mode, null, null, null, null))
        .isInstanceOfSatisfying(InvalidFaultSettings.class, e -> assertThat(e.field()).isEqualTo("mode"))
        .hasMessageContaining("timeout-after-charge");
  }

  @Test
  void rejectsAMissingMode() {
    assertThatThrownBy(() -> FaultSettings.of(null, null, null, null, null))
        .isInstanceOfSatisfying(InvalidFaultSettings.class, e -> assertThat(e.field()).isEqualTo("mode"))
        .hasMessageContaining("mode is required");
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, FaultSettings.MAX_LATENCY_MS + 1, Long.MIN_VALUE})
  void rejectsALatencyOutOfRange(long latencyMs) {
    assertThatThrownBy(() -> FaultSettings.of("slow", latencyMs, null, null, null))
        .isInstanceOfSatisfying(InvalidFaultSettings.class, e -> assertThat(e.field()).isEqualTo("latencyMs"))
        .hasMessageStartingWith("latencyMs must be");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsAnErrorRateOutsideZeroToOne(double errorRate) {
    assertThatThrownBy(() -> FaultSettings.of("flaky", null, errorRate, null, null))
        .isInstanceOfSatisfying(InvalidFaultSettings.class, e -> assertThat(e.field()).isEqualTo("errorRate"))
        .hasMessageStartingWith("errorRate must be");
  }

  @Test
  void acceptsTheBoundaries() {
    assertThat(FaultSettings.of("slow", 0L, 0.0, null, null).latencyMs()).isZero();
    assertThat(FaultSettings.of("slow", FaultSettings.MAX_LATENCY_MS, 1.0, null, null).errorRate()).isEqualTo(1.0);
  }
}
