package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ChargeRequestTest {

  @Test
  void acceptsAPositiveAmountAnIsoCurrencyAndAKnownToken() {
    ChargeRequest request = ChargeRequest.of(2500, "EUR", "tok_visa", null);
    assertThat(request).isEqualTo(new ChargeRequest(2500, "EUR", TestToken.VISA, null));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void rejectsAmountsThatAreNotPositive(long amountCents) {
    assertThatThrownBy(() -> ChargeRequest.of(amountCents, "EUR", "tok_visa", null))
        .isInstanceOf(InvalidChargeRequest.class).hasMessageContaining("amountCents");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"eur", "EU", "EURO", "E1R", " EUR"})
  void rejectsCurrenciesThatAreNotThreeUppercaseLetters(String currency) {
    assertThatThrownBy(() -> ChargeRequest.of(2500, currency, "tok_visa", null))
        .isInstanceOf(InvalidChargeRequest.class).hasMessageContaining("currency");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  "})
  void rejectsAMissingToken(String token) {
    assertThatThrownBy(() -> ChargeRequest.of(2500, "EUR", token, null))
        .isInstanceOf(InvalidChargeRequest.class).hasMessageContaining("token must be a non-empty string");
  }

  @Test
  void rejectsAnUnknownTokenNamingTheKnownOnes() {
    assertThatThrownBy(() -> ChargeRequest.of(2500, "EUR", "tok_amex", null))
        .isInstanceOf(InvalidChargeRequest.class)
        .hasMessageContaining("unknown test token")
        .hasMessageContaining("tok_visa");
  }

  @Test
  void fingerprintIgnoresTheDescription() {
    assertThat(ChargeRequest.of(2500, "EUR", "tok_visa", "first").fingerprint())
        .isEqualTo(ChargeRequest.of(2500, "EUR", "tok_visa", "second").fingerprint());
  }

  @Test
  void fingerprintDistinguishesAmountCurrencyAndToken() {
    ChargeRequest.Fingerprint original = ChargeRequest.of(2500, "EUR", "tok_visa", null).fingerprint();
    assertThat(ChargeRequest.of(2501, "EUR", "tok_visa", null).fingerprint()).isNotEqualTo(original);
    assertThat(ChargeRequest.of(2500, "USD", "tok_visa", null).fingerprint()).isNotEqualTo(original);
    assertThat(ChargeRequest.of(2500, "EUR", "tok_chargeDeclined", null).fingerprint()).isNotEqualTo(original);
  }
}
