package io.orderflow.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full-length or {@code --short} timings. Short runs shrink the broker's AckWait, the gateway timeout, the
 * breaker's reset timeout and the single writers' pin timeout through the services' ordinary settings, so the
 * same behaviour happens sooner. {@code lateReplay}: how long dead letters wait after the system went quiet
 * before they are replayed.
 */
record Timings(boolean isShort, double rate, Duration warmup, Duration outage, Duration afterHeal, Duration quietTimeout,
    Duration ackWait, Duration breakerReset, Duration pinTimeout, Duration lateReplay, Map<String, String> env) {

  static Timings of(boolean isShort) {
    Map<String, String> env = new LinkedHashMap<>();
    if (isShort) {
      env.put("ORDERFLOW_CONSUMER_ACK_WAIT", "5s");
      env.put("ORDERFLOW_CONSUMER_BACKOFF", "100ms");
      env.put("ORDERFLOW_CONSUMER_MAX_BACKOFF", "2s");
      env.put("ORDERFLOW_PAYMENTS_GATEWAY_TIMEOUT", "1s");
      env.put("ORDERFLOW_PAYMENTS_BREAKER_RESET_TIMEOUT", "2s");
      env.put("ORDERFLOW_SHUTDOWN_TIMEOUT", "10s");
      // A killed or frozen single writer (inventory's ledger, audit's chain) is replaced once the server has
      // heard no pull from it for this long; applied by provision. Full runs keep the default of 10 s.
      env.put("ORDERFLOW_CONSUMER_PIN_TIMEOUT", "5s");
      return new Timings(true, 30, Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(5),
          Duration.ofSeconds(150), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15), env);
    }
    return new Timings(false, 30, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(10),
        Duration.ofSeconds(600), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(75), env);
  }

  /** How long a client keeps retrying one order before the harness asks again after healing. */
  Duration clientRetry() {
    return outage.plusSeconds(30);
  }
}
