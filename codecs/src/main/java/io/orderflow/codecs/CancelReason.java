package io.orderflow.codecs;

/** Why an order ended CANCELLED. */
public enum CancelReason {
  OUT_OF_STOCK,
  /** The gateway declined the card. */
  PAYMENT_DECLINED,
  /** The gateway refused the payment token as malformed or unknown: the customer's input, not a decline. */
  PAYMENT_INVALID,
  /** The payment token's hand-off expired before the order could be charged (a gateway outage longer than promised). */
  PAYMENT_TOKEN_EXPIRED,
  /** One of the order's events was dead-lettered. */
  PROCESSING_FAILED
}
