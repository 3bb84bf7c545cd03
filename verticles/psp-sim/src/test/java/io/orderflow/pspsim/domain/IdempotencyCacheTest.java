package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

  private final IdempotencyCache cache = new IdempotencyCache();
  private final ChargeRequest.Fingerprint fingerprint = new ChargeRequest.Fingerprint(2500, "EUR", TestToken.VISA);
  private final Charge charge = new Charge("ch_1", "key-1", 2500, "EUR", null);

  @Test
  void findsTheChargeRememberedForAKey() {
    cache.remember("key-1", fingerprint, charge);
    assertThat(cache.find("key-1")).contains(new IdempotencyCache.Entry(fingerprint, charge));
    assertThat(cache.find("key-2")).isEmpty();
  }

  @Test
  void neverOverwritesTheFirstChargeForAKey() {
    cache.remember("key-1", fingerprint, charge);
    assertThatThrownBy(() -> cache.remember("key-1", fingerprint, new Charge("ch_2", "key-1", 2500, "EUR", null)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(cache.find("key-1").orElseThrow().charge().id()).isEqualTo("ch_1");
  }

  @Test
  void clearForgetsEveryKey() {
    cache.remember("key-1", fingerprint, charge);
    cache.clear();
    assertThat(cache.find("key-1")).isEmpty();
  }

  @Test
  void aRepeatIsRememberedForAKeyNotSeenBefore() {
    cache.rememberRepeat("key-1", fingerprint, charge);
    assertThat(cache.find("key-1").orElseThrow().charge()).isEqualTo(charge);
  }

  @Test
  void aRepeatNeverReplacesASuccessfulCharge() {
    cache.rememberRepeat("key-1", fingerprint, charge);
    cache.rememberRepeat("key-1", fingerprint, new Charge("ch_2", "key-1", 2500, "EUR", null));
    cache.rememberRepeat("key-1", fingerprint, new Charge("ch_3", "key-1", 2500, "EUR", "card_declined"));
    assertThat(cache.find("key-1").orElseThrow().charge().id()).isEqualTo("ch_1");
  }

  @Test
  void aSuccessfulRepeatReplacesADeclineButADeclineDoesNot() {
    cache.rememberRepeat("key-1", fingerprint, new Charge("ch_1", "key-1", 2500, "EUR", "card_declined"));
    cache.rememberRepeat("key-1", fingerprint, new Charge("ch_2", "key-1", 2500, "EUR", "insufficient_funds"));
    assertThat(cache.find("key-1").orElseThrow().charge().id()).isEqualTo("ch_1");

    cache.rememberRepeat("key-1", fingerprint, new Charge("ch_3", "key-1", 2500, "EUR", null));
    assertThat(cache.find("key-1").orElseThrow().charge().id()).isEqualTo("ch_3");
  }
}
