package io.orderflow.payments;

import io.orderflow.runtime.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The payments service's settings: where the gateway is ({@code psp.url}, env {@code ORDERFLOW_PSP_URL})
 * and how long one charge call may take ({@code payments.gateway-timeout}).
 */
public record PaymentsConfig(String pspUrl, Duration gatewayTimeout, int breakerMaxFailures, Duration breakerResetTimeout,
                             int gatewayRetries) {
  public static final String DEFAULT_PSP_URL = "http://127.0.0.1:8090";
  public static final Duration DEFAULT_GATEWAY_TIMEOUT = Duration.ofSeconds(5);

  public PaymentsConfig {
    requireHttpUrl(pspUrl);
    if (gatewayTimeout.isNegative() || gatewayTimeout.isZero()) {
      throw new IllegalArgumentException("setting payments.gateway-timeout (" + Settings.envName("payments.gateway-timeout")
          + ") must be positive, is " + gatewayTimeout);
    }
  }

  public static PaymentsConfig from(Settings settings) {
    return new PaymentsConfig(settings.string("psp.url", DEFAULT_PSP_URL),
        settings.duration("payments.gateway-timeout", DEFAULT_GATEWAY_TIMEOUT),
        settings.integer("payments.breaker.max-failures", 5),
        settings.duration("payments.breaker.reset-timeout", Duration.ofSeconds(10)),
        settings.integer("payments.gateway-retries", 2));
  }

  private static void requireHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) return;
    } catch (URISyntaxException e) {
      // reported below, with the setting's name
    }
    throw new IllegalArgumentException("setting psp.url (" + Settings.envName("psp.url") + ") is '" + url
        + "', expected an http(s) URL such as " + DEFAULT_PSP_URL);
  }
}
