package io.orderflow.pspsim.domain;

/** A charge request that breaks a parameter rule; the message says which rule, for the client. */
public final class InvalidChargeRequest extends RuntimeException {
  public InvalidChargeRequest(String detail) {
    super(detail, null, false, false);
  }
}
