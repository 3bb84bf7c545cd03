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

  /**
   * An operator set a SKU's available quantity (a set, not an add), and with it the price ({@code priceCents} in
   * {@code currency}; null in events from before prices were recorded). {@code actor}: who did it, the token's
   * subject (null for the demo catalog's seeding and earlier events).
   */
  record StockSet(String sku, long available, Long priceCents, String currency, String actor) implements Event {
    public StockSet {
      Ids.requireSku(sku);
      if (available < 0) throw new IllegalArgumentException("available must not be negative");
      if (priceCents != null && priceCents <= 0) throw new IllegalArgumentException("priceCents must be positive");
      if (currency != null) Currency.require(currency);
      if (actor != null && (actor.isBlank() || actor.length() > 256)) throw new IllegalArgumentException("actor must be 1 to 256 characters");
    }

    /** A quantity alone, by no one in particular (seeding, tests, loaded history). */
    public StockSet(String sku, long available) {
      this(sku, available, null, null, null);
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

  /**
   * An operator did something outside any order's saga: replayed or deleted a dead letter, erased a customer's
   * contact data. {@code actor} is the token's subject; {@code target} what it acted on (a dead letter's DLQ
   * sequence and consumer, a customer id); {@code action} is the event's subject.
   */
  record OperatorAction(String action, String actor, String target, String detail) implements Event {
    public static final String DEAD_LETTER_REPLAYED = "dead-letter-replayed";
    public static final String DEAD_LETTER_DELETED = "dead-letter-deleted";
    public static final String CONTACT_ERASED = "contact-erased";

    public OperatorAction {
      if (!java.util.Set.of(DEAD_LETTER_REPLAYED, DEAD_LETTER_DELETED, CONTACT_ERASED).contains(action)) {
        throw new IllegalArgumentException("unknown operator action " + action);
      }
      if (actor == null || actor.isBlank() || actor.length() > 256) throw new IllegalArgumentException("actor must be 1 to 256 characters");
      java.util.Objects.requireNonNull(target, "target");
      if (target.length() > 512) throw new IllegalArgumentException("target must be at most 512 characters");
      if (detail != null && detail.length() > 2048) throw new IllegalArgumentException("detail must be at most 2048 characters");
    }

    public String subject() {
      return action;
    }
  }
}
