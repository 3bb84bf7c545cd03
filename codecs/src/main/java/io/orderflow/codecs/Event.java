package io.orderflow.codecs;

import java.util.List;
import java.util.Objects;

/**
 * The data of every event in the contract. Records are immutable and validate themselves, so a decoded
 * event is a valid one. Money is integer minor units plus an ISO 4217 currency code.
 */
public sealed interface Event {

  /** The CloudEvents subject: the order id, or the SKU for stock events. */
  String subject();

  /** Placed by a customer. The email is not here: it went to notifications' short-lived contact bucket. */
  record OrderPlaced(String orderId, String customerId, List<OrderLine> lines, long totalCents, String currency,
                     String requestHash) implements Event {
    public OrderPlaced {
      Ids.requireOrderId(orderId);
      Ids.requireCustomerId(customerId);
      lines = OrderLine.copy(lines);
      Currency.require(currency);
      long sum = lines.stream().mapToLong(OrderLine::totalCents).reduce(0L, Math::addExact);
      if (sum != totalCents) throw new IllegalArgumentException("totalCents " + totalCents + " is not the sum of the lines " + sum);
    }

    public String subject() {
      return orderId;
    }
  }

  /** {@code requestHash}: the placing request's fingerprint, which names the order's hand-offs (may be absent in older events). */
  record OrderConfirmed(String orderId, String customerId, long totalCents, String currency, String requestHash) implements Event {
    public OrderConfirmed {
      Ids.requireOrderId(orderId);
      Ids.requireCustomerId(customerId);
      Currency.require(currency);
    }

    public OrderConfirmed(String orderId, String customerId, long totalCents, String currency) {
      this(orderId, customerId, totalCents, currency, null);
    }

    public String subject() {
      return orderId;
    }
  }

  /** {@code requestHash}: the placing request's fingerprint, which names the order's hand-offs (may be absent in older events). */
  record OrderCancelled(String orderId, String customerId, CancelReason reason, String detail, String requestHash) implements Event {
    public OrderCancelled {
      Ids.requireOrderId(orderId);
      Ids.requireCustomerId(customerId);
      Objects.requireNonNull(reason, "reason");
    }

    public OrderCancelled(String orderId, String customerId, CancelReason reason, String detail) {
      this(orderId, customerId, reason, detail, null);
    }

    public String subject() {
      return orderId;
    }
  }

  /** An operator set a SKU's available quantity (a set, not an add). */
  record StockSet(String sku, long available) implements Event {
    public StockSet {
      Ids.requireSku(sku);
      if (available < 0) throw new IllegalArgumentException("available must not be negative");
    }

    public String subject() {
      return sku;
    }
  }

  /**
   * {@code requestHash}: the placing request's fingerprint (copied from OrderPlaced), which names the order's
   * payment-token hand-off (may be absent in older events).
   */
  record StockReserved(String orderId, List<StockLine> lines, long totalCents, String currency, String requestHash) implements Event {
    public StockReserved {
      Ids.requireOrderId(orderId);
      lines = List.copyOf(lines);
      if (lines.isEmpty()) throw new IllegalArgumentException("lines must not be empty");
      Currency.require(currency);
    }

    public StockReserved(String orderId, List<StockLine> lines, long totalCents, String currency) {
      this(orderId, lines, totalCents, currency, null);
    }

    public String subject() {
      return orderId;
    }
  }

  /** Names the first SKU that was short. */
  record StockRejected(String orderId, String sku, int requested, long available) implements Event {
    public StockRejected {
      Ids.requireOrderId(orderId);
      Ids.requireSku(sku);
    }

    public String subject() {
      return orderId;
    }
  }

  record StockCommitted(String orderId, List<StockLine> lines) implements Event {
    public StockCommitted {
      Ids.requireOrderId(orderId);
      lines = List.copyOf(lines);
    }

    public String subject() {
      return orderId;
    }
  }

  record StockReleased(String orderId, List<StockLine> lines) implements Event {
    public StockReleased {
      Ids.requireOrderId(orderId);
      lines = List.copyOf(lines);
    }

    public String subject() {
      return orderId;
    }
  }

  record PaymentAuthorized(String orderId, String chargeId, long amountCents, String currency) implements Event {
    public PaymentAuthorized {
      Ids.requireOrderId(orderId);
      Objects.requireNonNull(chargeId, "chargeId");
      Currency.require(currency);
    }

    public String subject() {
      return orderId;
    }
  }

  /**
   * The order cannot be paid. {@code declineCode} is the gateway's decline code, or one of the codes below
   * for payments that never became a decline at the gateway.
   */
  record PaymentDeclined(String orderId, String declineCode, long amountCents, String currency) implements Event {
    /** The gateway refused the token as malformed or unknown. */
    public static final String INVALID_PAYMENT = "invalid_payment";
    /** The token's hand-off expired (or was erased) before a charge was made. */
    public static final String TOKEN_EXPIRED = "token_expired";

    public PaymentDeclined {
      Ids.requireOrderId(orderId);
      Objects.requireNonNull(declineCode, "declineCode");
      Currency.require(currency);
    }

    public String subject() {
      return orderId;
    }

    /** How the order ends because of it. */
    public CancelReason cancelReason() {
      return switch (declineCode) {
        case INVALID_PAYMENT -> CancelReason.PAYMENT_INVALID;
        case TOKEN_EXPIRED -> CancelReason.PAYMENT_TOKEN_EXPIRED;
        default -> CancelReason.PAYMENT_DECLINED;
      };
    }
  }

  /** The mail about an ended order went out; {@code messageId} is the deterministic RFC 5322 Message-ID. */
  record NotificationSent(String orderId, String template, String messageId) implements Event {
    public NotificationSent {
      Ids.requireOrderId(orderId);
      Objects.requireNonNull(template, "template");
      Objects.requireNonNull(messageId, "messageId");
    }

    public String subject() {
      return orderId;
    }
  }

  /** A charge taken back because its order ended CANCELLED (after a dead letter, or the charge landed after the cancellation). */
  record PaymentVoided(String orderId, String chargeId, long amountCents, String currency) implements Event {
    public PaymentVoided {
      Ids.requireOrderId(orderId);
      Objects.requireNonNull(chargeId, "chargeId");
      Currency.require(currency);
    }

    public String subject() {
      return orderId;
    }
  }

  /** A circuit breaker changed state (CLOSED, OPEN, HALF_OPEN); {@code subject} is the breaker's name. */
  record BreakerChanged(String breaker, String state, String instance) implements Event {
    public BreakerChanged {
      Objects.requireNonNull(breaker, "breaker");
      Objects.requireNonNull(state, "state");
    }

    public String subject() {
      return breaker;
    }
  }
}
