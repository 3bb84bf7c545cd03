package io.orderflow.payments.domain;

import io.orderflow.codecs.Event;

/**
 * The payment rules, free of I/O. The PAYMENTS stream's last event for an order (PaymentAuthorized or
 * PaymentDeclined) is the order's payment record: once it exists the payment is decided and must never be
 * attempted again. There is no separate payments bucket, so no extra write per order.
 */
public final class PaymentDecision {
  private PaymentDecision() {}

  /** True when a stored event already decides the order's payment. */
  public static boolean decides(Event stored) {
    return stored instanceof Event.PaymentAuthorized || stored instanceof Event.PaymentDeclined;
  }

  /** The event that records the gateway's decision on a reservation. */
  public static Event outcome(Event.StockReserved reserved, ChargeResult result) {
    return switch (result) {
      case ChargeResult.Authorized a ->
          new Event.PaymentAuthorized(reserved.orderId(), a.chargeId(), reserved.totalCents(), reserved.currency());
      case ChargeResult.Declined d -> declined(reserved, d.declineCode());
      case ChargeResult.InvalidToken i -> declined(reserved, Event.PaymentDeclined.INVALID_PAYMENT);
    };
  }

  /**
   * No token to charge with (its hand-off expired, or was erased) and no charge made: the order cannot be
   * paid, so it ends without another gateway call.
   */
  public static Event tokenExpired(Event.StockReserved reserved) {
    return declined(reserved, Event.PaymentDeclined.TOKEN_EXPIRED);
  }

  private static Event declined(Event.StockReserved reserved, String code) {
    return new Event.PaymentDeclined(reserved.orderId(), code, reserved.totalCents(), reserved.currency());
  }
}
