package io.orderflow.payments.gateway;

/**
 * A charge call that produced no decision. An outage (timeout, connection error, 5xx, 429) may succeed
 * when repeated and is what a circuit breaker should count; a rejection (any other unexpected answer,
 * e.g. 400 for a malformed request) will not, and ends in the dead-letter queue after the retries.
 */
public final class GatewayFailure extends RuntimeException {
  private final int status;
  private final boolean outage;

  private GatewayFailure(String message, int status, boolean outage, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.outage = outage;
  }

  static GatewayFailure outage(String message, int status, Throwable cause) {
    return new GatewayFailure(message, status, true, cause);
  }

  static GatewayFailure rejected(String message, int status) {
    return new GatewayFailure(message, status, false, null);
  }

  /** The HTTP status, or 0 when there was no response. */
  public int status() {
    return status;
  }

  public boolean isOutage() {
    return outage;
  }
}
