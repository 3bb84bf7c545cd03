package io.orderflow.pspsim.domain;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the simulated gateway misbehaves on {@code /v1/*}; see {@link FaultPolicy#decide}. */
public enum FaultMode {
  OK("ok"),
  DOWN("down"),
  SLOW("slow"),
  FLAKY("flaky"),
  TIMEOUT_AFTER_CHARGE("timeout-after-charge");

  private final String code;

  FaultMode(String code) {
    this.code = code;
  }

  public static Optional<FaultMode> byCode(String code) {
    return Arrays.stream(values()).filter(mode -> mode.code.equals(code)).findFirst();
  }

  /** The known codes, comma separated, for error messages. */
  public static String knownCodes() {
    return Arrays.stream(values()).map(FaultMode::code).collect(Collectors.joining(", "));
  }

  public String code() {
    return code;
  }
}
