package io.orderflow.notifications.domain;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Event;
import java.math.BigDecimal;
import java.util.Currency;

/** The plain-text mails about an ended order. Pure functions of the event: no I/O, no clock. */
public final class MailTemplates {
  public static final String CONFIRMED = "order-confirmed";
  public static final String CANCELLED = "order-cancelled";
  /** Recorded instead of a template when there was no address to send to; no mail exists then. */
  public static final String SKIPPED_NO_CONTACT = "skipped-no-contact";
  /** Recorded instead of a Message-ID when no mail was sent. */
  public static final String NO_MESSAGE = "none";

  private static final String SIGNATURE = "\n\n-- \norderflow\n";

  private MailTemplates() {}

  /** The mail for an OrderConfirmed or OrderCancelled event. */
  public static Mail render(Event ended) {
    return switch (ended) {
      case Event.OrderConfirmed c -> new Mail(CONFIRMED, messageId(c.orderId(), "confirmed"),
          "Your order " + c.orderId() + " is confirmed",
          "Hello,\n\nthank you for your order: it is confirmed.\n\n"
              + "Order: " + c.orderId() + "\nTotal: " + money(c.totalCents(), c.currency()) + SIGNATURE);
      case Event.OrderCancelled c -> new Mail(CANCELLED, messageId(c.orderId(), "cancelled"),
          "Your order " + c.orderId() + " has been cancelled",
          "Hello,\n\nwe are sorry: your order " + c.orderId() + " has been cancelled because "
              + because(c.reason()) + ".\n" + consequence(c.reason()) + SIGNATURE);
      default -> throw new IllegalArgumentException("no mail for " + ended.getClass().getSimpleName());
    };
  }

  /** {@code <orderId.kind@orderflow>}: one Message-ID per order and kind, however often it is sent. */
  public static String messageId(String orderId, String kind) {
    return "<" + orderId + "." + kind + "@orderflow>";
  }

  /** Minor units in the currency's own decimals: 2599 EUR is 25.99 EUR, 1500 JPY is 1500 JPY. */
  public static String money(long minorUnits, String currency) {
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      digits = 2; // a code the JDK does not know: cents are the common case
    }
    return BigDecimal.valueOf(minorUnits, digits).toPlainString() + " " + currency;
  }

  static String because(CancelReason reason) {
    return switch (reason) {
      case OUT_OF_STOCK -> "some of the items are out of stock";
      case PAYMENT_DECLINED -> "the payment was declined";
      case PAYMENT_INVALID -> "the payment details were not accepted";
      case PAYMENT_TOKEN_EXPIRED -> "the payment could not be completed in time";
      case PROCESSING_FAILED -> "we could not process it";
    };
  }

  private static String consequence(CancelReason reason) {
    return switch (reason) {
      case OUT_OF_STOCK, PAYMENT_DECLINED, PAYMENT_INVALID, PAYMENT_TOKEN_EXPIRED -> "You have not been charged.";
      case PROCESSING_FAILED -> "If your card was charged, the charge has been voided.";
    };
  }
}
