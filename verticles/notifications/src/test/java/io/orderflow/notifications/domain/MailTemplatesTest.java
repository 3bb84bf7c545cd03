package io.orderflow.notifications.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailTemplatesTest {
  final String order = Ids.newOrderId();

  @Test
  void aConfirmationNamesTheOrderAndItsTotal() {
    Mail mail = MailTemplates.render(new Event.OrderConfirmed(order, "c-1", 123_456, "EUR"));

    assertThat(mail.template()).isEqualTo("order-confirmed");
    assertThat(mail.messageId()).isEqualTo("<" + order + ".confirmed@orderflow>");
    assertThat(mail.subject()).isEqualTo("Your order " + order + " is confirmed");
    assertThat(mail.body()).contains("Order: " + order).contains("Total: 1234.56 EUR");
  }

  @ParameterizedTest
  @CsvSource({
      "OUT_OF_STOCK, some of the items are out of stock, You have not been charged.",
      "PAYMENT_DECLINED, the payment was declined, You have not been charged.",
      "PROCESSING_FAILED, we could not process it, the charge has been voided."})
  void aCancellationSaysWhyInWords(CancelReason reason, String why, String consequence) {
    Mail mail = MailTemplates.render(new Event.OrderCancelled(order, "c-1", reason, "internal detail"));

    assertThat(mail.template()).isEqualTo("order-cancelled");
    assertThat(mail.messageId()).isEqualTo("<" + order + ".cancelled@orderflow>");
    assertThat(mail.body()).contains("has been cancelled because " + why + ".").contains(consequence)
        .doesNotContain("internal detail").doesNotContain(reason.name());
  }

  @ParameterizedTest
  @CsvSource({"2599, EUR, 25.99 EUR", "5, USD, 0.05 USD", "1500, JPY, 1500 JPY", "1234, BHD, 1.234 BHD", "250, ZZZ, 2.50 ZZZ"})
  void moneyIsFormattedInTheCurrencysOwnDecimals(long minor, String currency, String expected) {
    assertThat(MailTemplates.money(minor, currency)).isEqualTo(expected);
  }

  @Test
  void eventsThatDoNotEndAnOrderHaveNoMail() {
    assertThatThrownBy(() -> MailTemplates.render(new Event.NotificationSent(order, "x", "y")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
