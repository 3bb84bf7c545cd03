package io.orderflow.payments.domain;

import io.orderflow.codecs.Event;
import java.util.Objects;

/**
 * One charge to ask the gateway for. The order id is the idempotency key: however often the request is
 * repeated (timeouts, redeliveries), the gateway charges the order at most once. {@link #toString()}
 * leaves the token out, so a request can be logged.
 */
public record ChargeRequest(String orderId, long amountCents, String currency, String token, String description) {
  public ChargeRequest {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(description, "description");
  }

  /** The charge for a reservation: its total, in its currency, with the token the customer handed over. */
  public static ChargeRequest forReservation(Event.StockReserved reserved, String token) {
    return new ChargeRequest(reserved.orderId(), reserved.totalCents(), reserved.currency(), token,
        "order " + reserved.orderId());
  }

  @Override
  public String toString() {
    return "ChargeRequest[orderId=" + orderId + ", amountCents=" + amountCents + ", currency=" + currency + "]";
  }
}
