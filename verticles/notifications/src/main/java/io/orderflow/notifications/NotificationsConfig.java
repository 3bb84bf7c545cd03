package io.orderflow.notifications;

import io.orderflow.runtime.Settings;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.Locale;

/**
 * The notifications service's settings: the SMTP relay ({@code smtp.host}, {@code smtp.port}, whether to
 * use STARTTLS, how long connecting and each reply may take) and the sender address ({@code mail.from}).
 */
public record NotificationsConfig(String smtpHost, int smtpPort, StartTLSOptions starttls, Duration smtpTimeout,
                                  String from) {
  public static final String DEFAULT_SMTP_HOST = "127.0.0.1";
  public static final int DEFAULT_SMTP_PORT = 2525;
  public static final String DEFAULT_STARTTLS = "optional";
  public static final Duration DEFAULT_SMTP_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_FROM = "orders@orderflow.local";

  public static NotificationsConfig from(Settings s) {
    String starttls = s.string("smtp.starttls", DEFAULT_STARTTLS);
    String from = s.string("mail.from", DEFAULT_FROM);
    Duration timeout = s.duration("smtp.timeout", DEFAULT_SMTP_TIMEOUT);
    if (!from.matches("[^@\\s<>]+@[^@\\s<>]+")) throw invalid("mail.from", from, "an address such as " + DEFAULT_FROM);
    if (timeout.isZero() || timeout.isNegative()) throw invalid("smtp.timeout", timeout.toString(), "a positive duration");
    return new NotificationsConfig(s.string("smtp.host", DEFAULT_SMTP_HOST), s.port("smtp.port", DEFAULT_SMTP_PORT),
        starttls(starttls), timeout, from);
  }

  private static StartTLSOptions starttls(String value) {
    try {
      return StartTLSOptions.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("smtp.starttls", value, "disabled, optional or required");
    }
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException("setting " + key + " (" + Settings.envName(key) + ") is '" + value
        + "', expected " + expected);
  }
}
