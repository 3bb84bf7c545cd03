package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestTokenTest {

  @Test
  void visaChargesSuccessfully() {
    TestToken visa = TestToken.byCode("tok_visa").orElseThrow();
    assertThat(visa.declines()).isFalse();
    assertThat(visa.declineCode()).isNull();
  }

  @Test
  void declinedCardDeclinesWithCardDeclined() {
    assertThat(TestToken.byCode("tok_chargeDeclined").orElseThrow().declineCode()).isEqualTo("card_declined");
  }

  @Test
  void insufficientFundsDeclinesWithInsufficientFunds() {
    assertThat(TestToken.byCode("tok_chargeDeclinedInsufficientFunds").orElseThrow().declineCode())
        .isEqualTo("insufficient_funds");
  }

  @Test
  void unknownAndMiscasedCodesAreNotTokens() {
    assertThat(TestToken.byCode("tok_mastercard")).isEmpty();
    assertThat(TestToken.byCode("TOK_VISA")).isEmpty();
    assertThat(TestToken.byCode(null)).isEmpty();
  }

  @Test
  void knownCodesListsEveryToken() {
    assertThat(TestToken.knownCodes())
        .isEqualTo("tok_visa, tok_chargeDeclined, tok_chargeDeclinedInsufficientFunds");
  }
}
