package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerTest {

  private final Ledger ledger = new Ledger();

  @Test
  void countsRequestsReplaysChargesAndDeclinesPerKey() {
    Charge charge = new Charge("ch_1", "a", 2500, "EUR", null);
    ledger.requestReceived("a");
    ledger.attempted(charge);
    ledger.requestReceived("a");
    ledger.replayed("a");
    ledger.requestReceived("b");
    ledger.attempted(new Charge("ch_2", "b", 900, "EUR", "card_declined"));

    Ledger.Snapshot snapshot = ledger.snapshot();

    assertThat(snapshot.keys()).containsOnlyKeys("a", "b");
    assertThat(snapshot.keys().get("a")).isEqualTo(new Ledger.KeyActivity(2, 1, List.of(charge), 0, 0));
    assertThat(snapshot.keys().get("b")).isEqualTo(new Ledger.KeyActivity(1, 0, List.of(), 1, 0));
  }

  @Test
  void totalsCountOnlySuccessfulCharges() {
    ledger.attempted(new Charge("ch_1", "a", 2500, "EUR", null));
    ledger.attempted(new Charge("ch_2", "b", 1000, "EUR", null));
    ledger.attempted(new Charge("ch_3", "c", 7000, "EUR", "insufficient_funds"));

    Ledger.Snapshot snapshot = ledger.snapshot();

    assertThat(snapshot.totalCharges()).isEqualTo(2);
    assertThat(snapshot.totalAmountCents()).isEqualTo(3500);
  }

  @Test
  void aSnapshotDoesNotChangeWhenTheLedgerDoes() {
    ledger.requestReceived("a");
    Ledger.Snapshot before = ledger.snapshot();

    ledger.requestReceived("a");
    ledger.attempted(new Charge("ch_1", "a", 2500, "EUR", null));

    assertThat(before.keys().get("a")).isEqualTo(new Ledger.KeyActivity(1, 0, List.of(), 0, 0));
    assertThat(before.totalCharges()).isZero();
  }

  @Test
  void clearForgetsEverything() {
    ledger.requestReceived("a");
    ledger.attempted(new Charge("ch_1", "a", 2500, "EUR", null));

    ledger.clear();

    assertThat(ledger.snapshot()).isEqualTo(new Ledger.Snapshot(java.util.Map.of(), java.util.Set.of(), 0, 0));
  }

  @Test
  void countsRefusedRequestsApartFromRequests() {
    ledger.requestRefused("a");
    ledger.requestRefused("a");
    ledger.requestReceived("a");

    assertThat(ledger.snapshot().keys().get("a")).isEqualTo(new Ledger.KeyActivity(1, 0, List.of(), 0, 2));
  }

  @Test
  void aVoidedChargeStaysListedButLeavesTheTotals() {
    Charge voided = new Charge("ch_1", "a", 2500, "EUR", null);
    Charge standing = new Charge("ch_2", "b", 1000, "EUR", null);
    ledger.attempted(voided);
    ledger.attempted(standing);

    ledger.voided(voided);

    Ledger.Snapshot snapshot = ledger.snapshot();
    assertThat(snapshot.keys().get("a").charges()).containsExactly(voided);
    assertThat(snapshot.isVoided(voided)).isTrue();
    assertThat(snapshot.isVoided(standing)).isFalse();
    assertThat(snapshot.totalCharges()).isEqualTo(1);
    assertThat(snapshot.totalAmountCents()).isEqualTo(1000);
  }

  @Test
  void clearForgetsVoids() {
    Charge charge = new Charge("ch_1", "a", 2500, "EUR", null);
    ledger.attempted(charge);
    ledger.voided(charge);

    ledger.clear();

    assertThat(ledger.isVoided("ch_1")).isFalse();
  }
}
