package io.orderflow.pspsim.domain;

/**
 * One charge attempt that reached the card network: succeeded or declined.
 *
 * @param declineCode why the card was declined; {@code null} when the charge succeeded
 */
public record Charge(String id, String idempotencyKey, long amountCents, String currency, String declineCode) {

  public boolean succeeded() {
    return declineCode == null;
  }
}
