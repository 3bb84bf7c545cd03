package io.orderflow.payments.domain;

import java.util.Objects;

/**
 * What the gateway decided. A decline is a result like an authorization, not a failure: it ends the
 * payment; so is a refused payment token (malformed or unknown: the customer's input). Outages and other
 * rejected requests are failed futures instead, so that they are retried.
 */
public sealed interface ChargeResult {
  record Authorized(String chargeId) implements ChargeResult {
    public Authorized {
      Objects.requireNonNull(chargeId, "chargeId");
    }
  }

  record Declined(String declineCode) implements ChargeResult {
    public Declined {
      Objects.requireNonNull(declineCode, "declineCode");
    }
  }

  /** The gateway refused the payment token as malformed or unknown: no charge was made, none ever will be. */
  record InvalidToken(String detail) implements ChargeResult {
    public InvalidToken {
      Objects.requireNonNull(detail, "detail");
    }
  }
}
