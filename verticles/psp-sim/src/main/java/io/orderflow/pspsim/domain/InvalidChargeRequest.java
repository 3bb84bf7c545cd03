package io.orderflow.pspsim.domain;

/**
 * A charge request that breaks a parameter rule; the message says which rule, for the client, and
 * {@link #param()} names the parameter (a client tells a bad payment token, the customer's input, from
 * its own malformed request).
 */
public final class InvalidChargeRequest extends RuntimeException {
  private final String param;

  public InvalidChargeRequest(String param, String detail) {
    super(detail, null, false, false);
    this.param = param;
  }

  public String param() {
    return param;
  }

  /** The payment token is malformed or unknown. */
  public boolean badToken() {
    return "token".equals(param);
  }
}
