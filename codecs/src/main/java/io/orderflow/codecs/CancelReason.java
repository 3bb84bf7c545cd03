package io.orderflow.codecs;

public enum CancelReason {
  OUT_OF_STOCK,
  PAYMENT_DECLINED,
  PROCESSING_FAILED
}
