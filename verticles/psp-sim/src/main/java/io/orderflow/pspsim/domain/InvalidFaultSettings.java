package io.orderflow.pspsim.domain;

/** Fault settings that break a rule; {@link #field()} names the offending setting, the message says why. */
public final class InvalidFaultSettings extends RuntimeException {

  private final String field;

  public InvalidFaultSettings(String field, String detail) {
    super(detail, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
