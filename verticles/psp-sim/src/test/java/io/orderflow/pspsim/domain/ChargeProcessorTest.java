package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChargeProcessorTest {

  private final AtomicInteger ids = new AtomicInteger();
  private final ChargeProcessor processor = new ChargeProcessor(() -> "ch_" + ids.incrementAndGet());

  private static ChargeRequest request(long amountCents, String currency, String token) {
    return ChargeRequest.of(amountCents, currency, token, null);
  }

  @Test
  void theFirstRequestForAKeyChargesTheCard() {
    ChargeResult result = processor.charge("k1", request(2500, "EUR", "tok_visa"));

    assertThat(result).isEqualTo(new ChargeResult.Attempted(new Charge("ch_1", "k1", 2500, "EUR", null)));
    assertThat(processor.ledger().keys().get("k1"))
        .isEqualTo(new Ledger.KeyActivity(1, 0, List.of(new Charge("ch_1", "k1", 2500, "EUR", null)), 0));
  }

  @Test
  void aDeclinedCardIsAnAttemptButNotACharge() {
    ChargeResult result = processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined"));

    assertThat(result).isEqualTo(new ChargeResult.Attempted(new Charge("ch_1", "k1", 2500, "EUR", "card_declined")));
    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(1, 0, List.of(), 1));
    assertThat(processor.ledger().totalCharges()).isZero();
  }

  @Test
  void aRepeatWithTheSameParametersReplaysTheFirstChargeWithoutChargingAgain() {
    Charge first = ((ChargeResult.Attempted) processor.charge("k1", request(2500, "EUR", "tok_visa"))).charge();

    ChargeResult repeat = processor.charge("k1", ChargeRequest.of(2500, "EUR", "tok_visa", "another description"));

    assertThat(repeat).isEqualTo(new ChargeResult.Replayed(first));
    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(2, 1, List.of(first), 0));
    assertThat(processor.ledger().totalCharges()).isEqualTo(1);
  }

  @Test
  void aRepeatedDeclineIsReplayedAsTheSameDecline() {
    Charge first = ((ChargeResult.Attempted) processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined"))).charge();

    assertThat(processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined")))
        .isEqualTo(new ChargeResult.Replayed(first));
    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(2, 1, List.of(), 1));
  }

  @Test
  void aRepeatWithDifferentParametersIsRejectedWithoutCharging() {
    processor.charge("k1", request(2500, "EUR", "tok_visa"));

    assertThat(processor.charge("k1", request(2600, "EUR", "tok_visa"))).isEqualTo(new ChargeResult.KeyReused("k1"));
    assertThat(processor.charge("k1", request(2500, "USD", "tok_visa"))).isEqualTo(new ChargeResult.KeyReused("k1"));
    assertThat(processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined")))
        .isEqualTo(new ChargeResult.KeyReused("k1"));
    assertThat(processor.ledger().keys().get("k1").requests()).isEqualTo(4);
    assertThat(processor.ledger().keys().get("k1").replays()).isZero();
    assertThat(processor.ledger().totalCharges()).isEqualTo(1);
    assertThat(processor.chargeFor("k1").orElseThrow().amountCents()).isEqualTo(2500);
  }

  @Test
  void differentKeysChargeIndependently() {
    processor.charge("k1", request(2500, "EUR", "tok_visa"));
    processor.charge("k2", request(2500, "EUR", "tok_visa"));

    assertThat(processor.ledger().totalCharges()).isEqualTo(2);
    assertThat(processor.ledger().totalAmountCents()).isEqualTo(5000);
  }

  @Test
  void chargeForFindsTheAttemptMadeForAKey() {
    processor.charge("ok", request(2500, "EUR", "tok_visa"));
    processor.charge("poor", request(2500, "EUR", "tok_chargeDeclinedInsufficientFunds"));

    assertThat(processor.chargeFor("ok")).contains(new Charge("ch_1", "ok", 2500, "EUR", null));
    assertThat(processor.chargeFor("poor")).contains(new Charge("ch_2", "poor", 2500, "EUR", "insufficient_funds"));
    assertThat(processor.chargeFor("never-used")).isEmpty();
  }

  @Test
  void resetForgetsKeysSoTheSameKeyChargesAnew() {
    processor.charge("k1", request(2500, "EUR", "tok_visa"));

    processor.reset();

    assertThat(processor.ledger().keys()).isEmpty();
    assertThat(processor.chargeFor("k1")).isEmpty();
    assertThat(processor.charge("k1", request(2500, "EUR", "tok_visa")))
        .isEqualTo(new ChargeResult.Attempted(new Charge("ch_2", "k1", 2500, "EUR", null)));
  }
}
