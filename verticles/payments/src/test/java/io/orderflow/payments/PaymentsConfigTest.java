package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.runtime.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaymentsConfigTest {
  @Test
  void defaultsToTheLocalGatewayWithFiveSecondCalls() {
    PaymentsConfig config = PaymentsConfig.from(Settings.of(Map.of()));

    assertThat(config.pspUrl()).isEqualTo("http://127.0.0.1:8090");
    assertThat(config.gatewayTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void environmentVariablesOverrideTheDefaults() {
    PaymentsConfig config = PaymentsConfig.from(Settings.of(Map.of(
        "ORDERFLOW_PSP_URL", "https://psp.example:8443", "ORDERFLOW_PAYMENTS_GATEWAY_TIMEOUT", "750ms")));

    assertThat(config.pspUrl()).isEqualTo("https://psp.example:8443");
    assertThat(config.gatewayTimeout()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void anInvalidUrlFailsNamingTheSetting() {
    assertThatThrownBy(() -> PaymentsConfig.from(Settings.of(Map.of("ORDERFLOW_PSP_URL", "psp:8090"))))
        .hasMessageContaining("psp.url").hasMessageContaining("ORDERFLOW_PSP_URL");
  }

  @Test
  void aZeroTimeoutFailsNamingTheSetting() {
    assertThatThrownBy(() -> PaymentsConfig.from(Settings.of(Map.of("payments.gateway-timeout", "0s"))))
        .hasMessageContaining("payments.gateway-timeout");
  }
}
