package io.orderflow.pspsim.domain;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The card tokens the simulator understands, and the outcome each one produces (Stripe's test tokens). */
public enum TestToken {
  VISA("tok_visa", null),
  CHARGE_DECLINED("tok_chargeDeclined", "card_declined"),
  INSUFFICIENT_FUNDS("tok_chargeDeclinedInsufficientFunds", "insufficient_funds");

  private final String code;
  private final String declineCode;

  TestToken(String code, String declineCode) {
    this.code = code;
    this.declineCode = declineCode;
  }

  public static Optional<TestToken> byCode(String code) {
    return Arrays.stream(values()).filter(token -> token.code.equals(code)).findFirst();
  }

  /** The known codes, comma separated, for error messages. */
  public static String knownCodes() {
    return Arrays.stream(values()).map(TestToken::code).collect(Collectors.joining(", "));
  }

  public String code() {
    return code;
  }

  public boolean declines() {
    return declineCode != null;
  }

  /** Why the card is declined; {@code null} for a token that charges successfully. */
  public String declineCode() {
    return declineCode;
  }
}
