package io.orderflow.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.runtime.Settings;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationsConfigTest {
  @Test
  void defaultsToTheLocalSinkOnPort2525() {
    NotificationsConfig config = NotificationsConfig.from(Settings.of(Map.of()));

    assertThat(config.smtpHost()).isEqualTo("127.0.0.1");
    assertThat(config.smtpPort()).isEqualTo(2525);
    assertThat(config.starttls()).isEqualTo(StartTLSOptions.OPTIONAL);
    assertThat(config.from()).isEqualTo("orders@orderflow.local");
  }

  @Test
  void environmentVariablesOverrideTheDefaults() {
    NotificationsConfig config = NotificationsConfig.from(Settings.of(Map.of("ORDERFLOW_SMTP_HOST", "mail.internal",
        "ORDERFLOW_SMTP_PORT", "587", "ORDERFLOW_SMTP_STARTTLS", "required", "ORDERFLOW_MAIL_FROM", "shop@example.com")));

    assertThat(config).extracting(NotificationsConfig::smtpHost, NotificationsConfig::smtpPort,
        NotificationsConfig::starttls, NotificationsConfig::from)
        .containsExactly("mail.internal", 587, StartTLSOptions.REQUIRED, "shop@example.com");
  }

  @Test
  void invalidValuesFailNamingTheSetting() {
    assertThatThrownBy(() -> NotificationsConfig.from(Settings.of(Map.of("ORDERFLOW_MAIL_FROM", "orders"))))
        .hasMessageContaining("mail.from").hasMessageContaining("ORDERFLOW_MAIL_FROM");
    assertThatThrownBy(() -> NotificationsConfig.from(Settings.of(Map.of("ORDERFLOW_SMTP_STARTTLS", "always"))))
        .hasMessageContaining("smtp.starttls");
    assertThatThrownBy(() -> NotificationsConfig.from(Settings.of(Map.of("ORDERFLOW_SMTP_PORT", "70000"))))
        .hasMessageContaining("smtp.port");
  }
}
