package io.orderflow.pspsim.domain;

import java.util.regex.Pattern;

/**
 * A validated request to charge a card.
 *
 * @param description free text, may be {@code null}; not part of the idempotency fingerprint
 */
public record ChargeRequest(long amountCents, String currency, TestToken token, String description) {

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  /** The parameters a repeated request must match to be answered from the idempotency cache. */
  public record Fingerprint(long amountCents, String currency, TestToken token) {}

  /** Validates raw parameters; throws {@link InvalidChargeRequest} naming the first rule broken. */
  public static ChargeRequest of(long amountCents, String currency, String token, String description) {
    if (amountCents <= 0) {
      throw new InvalidChargeRequest("amountCents", "amountCents must be a positive integer");
    }
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      throw new InvalidChargeRequest("currency", "currency must be three uppercase letters (ISO 4217)");
    }
    if (token == null || token.isBlank()) {
      throw new InvalidChargeRequest("token", "token must be a non-empty string");
    }
    TestToken testToken = TestToken.byCode(token)
        .orElseThrow(() -> new InvalidChargeRequest("token", "unknown test token; use one of " + TestToken.knownCodes()));
    return new ChargeRequest(amountCents, currency, testToken, description);
  }

  public Fingerprint fingerprint() {
    return new Fingerprint(amountCents, currency, token);
  }
}
