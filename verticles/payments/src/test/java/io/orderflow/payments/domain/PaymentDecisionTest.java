package io.orderflow.payments.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.StockLine;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentDecisionTest {
  final String order = Ids.newOrderId();
  final Event.StockReserved reserved = new Event.StockReserved(order, List.of(new StockLine("sku-1", 3)), 4_200, "EUR");

  @Test
  void anAuthorizationBecomesPaymentAuthorizedForTheReservedTotal() {
    assertThat(PaymentDecision.outcome(reserved, new ChargeResult.Authorized("ch_1")))
        .isEqualTo(new Event.PaymentAuthorized(order, "ch_1", 4_200, "EUR"));
  }

  @Test
  void aDeclineBecomesPaymentDeclinedWithTheGatewaysCode() {
    assertThat(PaymentDecision.outcome(reserved, new ChargeResult.Declined("insufficient_funds")))
        .isEqualTo(new Event.PaymentDeclined(order, "insufficient_funds", 4_200, "EUR"));
  }

  @Test
  void anExpiredTokenIsADeclineThatEndsTheOrderPaymentTokenExpired() {
    Event declined = PaymentDecision.tokenExpired(reserved);
    assertThat(declined).isEqualTo(new Event.PaymentDeclined(order, "token_expired", 4_200, "EUR"));
    assertThat(((Event.PaymentDeclined) declined).cancelReason()).isEqualTo(io.orderflow.codecs.CancelReason.PAYMENT_TOKEN_EXPIRED);
  }

  @Test
  void aRefusedTokenIsADeclineThatEndsTheOrderPaymentInvalid() {
    Event declined = PaymentDecision.outcome(reserved, new ChargeResult.InvalidToken("unknown test token"));
    assertThat(declined).isEqualTo(new Event.PaymentDeclined(order, "invalid_payment", 4_200, "EUR"));
    assertThat(((Event.PaymentDeclined) declined).cancelReason()).isEqualTo(io.orderflow.codecs.CancelReason.PAYMENT_INVALID);
  }

  @Test
  void onlyAnAuthorizationOrADeclineDecidesAPayment() {
    assertThat(PaymentDecision.decides(new Event.PaymentAuthorized(order, "ch_1", 1, "EUR"))).isTrue();
    assertThat(PaymentDecision.decides(new Event.PaymentDeclined(order, "card_declined", 1, "EUR"))).isTrue();
    assertThat(PaymentDecision.decides(reserved)).isFalse();
  }

  @Test
  void aChargeRequestUsesTheOrderAsIdempotencyKeyAndNeverPrintsTheToken() {
    ChargeRequest request = ChargeRequest.forReservation(reserved, "tok_secret");

    assertThat(request.orderId()).isEqualTo(order);
    assertThat(request.amountCents()).isEqualTo(4_200);
    assertThat(request.description()).isEqualTo("order " + order);
    assertThat(request.toString()).doesNotContain("tok_secret");
  }
}
