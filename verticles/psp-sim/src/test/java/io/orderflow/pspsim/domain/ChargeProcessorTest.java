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
        .isEqualTo(new Ledger.KeyActivity(1, 0, List.of(new Charge("ch_1", "k1", 2500, "EUR", null)), 0, 0));
  }

  @Test
  void aDeclinedCardIsAnAttemptButNotACharge() {
    ChargeResult result = processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined"));

    assertThat(result).isEqualTo(new ChargeResult.Attempted(new Charge("ch_1", "k1", 2500, "EUR", "card_declined")));
    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(1, 0, List.of(), 1, 0));
    assertThat(processor.ledger().totalCharges()).isZero();
  }

  @Test
  void aRepeatWithTheSameParametersReplaysTheFirstChargeWithoutChargingAgain() {
    Charge first = ((ChargeResult.Attempted) processor.charge("k1", request(2500, "EUR", "tok_visa"))).charge();

    ChargeResult repeat = processor.charge("k1", ChargeRequest.of(2500, "EUR", "tok_visa", "another description"));

    assertThat(repeat).isEqualTo(new ChargeResult.Replayed(first));
    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(2, 1, List.of(first), 0, 0));
    assertThat(processor.ledger().totalCharges()).isEqualTo(1);
  }

  @Test
  void aRepeatedDeclineIsReplayedAsTheSameDecline() {
    Charge first =
        ((ChargeResult.Attempted) processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined"))).charge();

    assertThat(processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined")))
        .isEqualTo(new ChargeResult.Replayed(first));
    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(2, 1, List.of(), 1, 0));
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

  @Test
  void ignoringTheKeyChargesAgainAndFilesBothChargesUnderIt() {
    processor.chargeIgnoringKey("k1", request(2500, "EUR", "tok_visa"));

    ChargeResult second = processor.chargeIgnoringKey("k1", request(2500, "EUR", "tok_visa"));

    Charge first = new Charge("ch_1", "k1", 2500, "EUR", null);
    Charge again = new Charge("ch_2", "k1", 2500, "EUR", null);
    assertThat(second).isEqualTo(new ChargeResult.Attempted(again));
    assertThat(processor.ledger().keys().get("k1"))
        .isEqualTo(new Ledger.KeyActivity(2, 0, List.of(first, again), 0, 0));
    assertThat(processor.ledger().totalCharges()).isEqualTo(2);
    assertThat(processor.chargeFor("k1")).contains(first);
  }

  @Test
  void afterIgnoringTheKeyALookupFindsTheFirstSuccessfulCharge() {
    processor.chargeIgnoringKey("k1", request(2500, "EUR", "tok_chargeDeclined"));
    processor.chargeIgnoringKey("k1", request(2500, "EUR", "tok_visa"));

    assertThat(processor.chargeFor("k1")).contains(new Charge("ch_2", "k1", 2500, "EUR", null));
  }

  @Test
  void honouringTheKeyAgainReplaysTheChargeMadeWhileItWasIgnored() {
    processor.chargeIgnoringKey("k1", request(2500, "EUR", "tok_visa"));

    assertThat(processor.charge("k1", request(2500, "EUR", "tok_visa")))
        .isEqualTo(new ChargeResult.Replayed(new Charge("ch_1", "k1", 2500, "EUR", null)));
  }

  @Test
  void aRefusedRequestIsCountedButChargesNothing() {
    processor.requestRefused("k1");

    assertThat(processor.ledger().keys().get("k1")).isEqualTo(new Ledger.KeyActivity(0, 0, List.of(), 0, 1));
    assertThat(processor.chargeFor("k1")).isEmpty();
  }

  @Test
  void voidingAChargeTakesItOutOfTheTotals() {
    processor.charge("k1", request(2500, "EUR", "tok_visa"));
    processor.charge("k2", request(1000, "EUR", "tok_visa"));
    Charge charge = new Charge("ch_1", "k1", 2500, "EUR", null);

    assertThat(processor.voidCharge("ch_1")).isEqualTo(new VoidResult.Voided(charge));
    assertThat(processor.isVoided(charge)).isTrue();
    assertThat(processor.ledger().totalCharges()).isEqualTo(1);
    assertThat(processor.ledger().totalAmountCents()).isEqualTo(1000);
  }

  @Test
  void voidingTwiceChangesNothing() {
    processor.charge("k1", request(2500, "EUR", "tok_visa"));
    processor.voidCharge("ch_1");

    assertThat(processor.voidCharge("ch_1"))
        .isEqualTo(new VoidResult.AlreadyVoided(new Charge("ch_1", "k1", 2500, "EUR", null)));
    assertThat(processor.ledger().totalCharges()).isZero();
  }

  @Test
  void aDeclinedOrUnknownChargeCannotBeVoided() {
    processor.charge("k1", request(2500, "EUR", "tok_chargeDeclined"));

    assertThat(processor.voidCharge("ch_1"))
        .isEqualTo(new VoidResult.NotCharged(new Charge("ch_1", "k1", 2500, "EUR", "card_declined")));
    assertThat(processor.voidCharge("ch_404")).isEqualTo(new VoidResult.UnknownCharge("ch_404"));
  }

  @Test
  void resetForgetsCharges() {
    processor.charge("k1", request(2500, "EUR", "tok_visa"));

    processor.reset();

    assertThat(processor.voidCharge("ch_1")).isEqualTo(new VoidResult.UnknownCharge("ch_1"));
  }
}
