package io.orderflow.codecs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events of every type as the services make them, and with what makes JSON hard: absent optional fields,
 * text that must be escaped or is not ASCII, extreme numbers, times of every precision and era.
 */
final class EventSamples {
  static final String ORDER = "0190f3a2-7c4e-7d1a-9b3f-2e8c5a6d4f10";
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String AWKWARD_TEXT = "\"quoted\" back\\slash / tab\t newline\n nul\u0000 \u2028 café 注文 \uD83D\uDE00 </script>";

  private EventSamples() {}

  /** One event of each type, as in a paid, a declined and an out-of-stock order. */
  static List<Event> everyType() {
    List<OrderLine> lines = List.of(new OrderLine("SKU-MUG-01", 2, 1250), new OrderLine("SKU-TEE-M", 1, 2499));
    List<StockLine> stock = lines.stream().map(OrderLine::stock).toList();
    return List.of(
        new Event.OrderPlaced(ORDER, "c-1042", lines, 4999, "EUR", "3f1c9a0e5b7d2c4a"),
        new Event.OrderConfirmed(ORDER, "c-1042", 4999, "EUR", "3f1c9a0e5b7d2c4a"),
        new Event.OrderCancelled(ORDER, "c-1042", CancelReason.OUT_OF_STOCK, "SKU-TEE-M short", "3f1c9a0e5b7d2c4a"),
        new Event.StockSet("SKU-MUG-01", 40),
        new Event.StockReserved(ORDER, stock, 4999, "EUR", "3f1c9a0e5b7d2c4a"),
        new Event.StockRejected(ORDER, "SKU-TEE-M", 3, 1),
        new Event.StockCommitted(ORDER, stock),
        new Event.StockReleased(ORDER, stock),
        new Event.PaymentAuthorized(ORDER, "ch_5f2c9a4e1b7d3a60c8e94f12", 4999, "EUR"),
        new Event.PaymentDeclined(ORDER, "card_declined", 4999, "EUR"),
        new Event.PaymentVoided(ORDER, "ch_5f2c9a4e1b7d3a60c8e94f12", 4999, "EUR"),
        new Event.BreakerChanged("payment-gateway", "OPEN", "payments-1"),
        new Event.NotificationSent(ORDER, "order-confirmed", "<" + ORDER + ".confirmed@orderflow>"),
        new Event.OperatorAction(Event.OperatorAction.DEAD_LETTER_REPLAYED, "admin-1", "DLQ#12 (payments-reserved, orderflow.inventory.reserved.x)",
            "to orderflow.replay.payments-reserved.x"));
  }

  /** Data at the edges: nulls where the records allow them, escapes, non-ASCII, extreme numbers. */
  static List<Event> edgeCases() {
    String longSku = "A".repeat(64);
    return List.of(
        new Event.OrderPlaced(ORDER, "C_9-z", List.of(new OrderLine(longSku, Integer.MAX_VALUE, 0)), 0, "USD", null),
        new Event.OrderPlaced(ORDER, "c", List.of(new OrderLine("s", 1, Long.MAX_VALUE)), Long.MAX_VALUE, "JPY", AWKWARD_TEXT),
        new Event.OrderConfirmed(ORDER, "c-1042", -1, "EUR"),
        new Event.OrderCancelled(ORDER, "c-1042", CancelReason.PROCESSING_FAILED, null),
        new Event.OrderCancelled(ORDER, "c-1042", CancelReason.PAYMENT_TOKEN_EXPIRED, AWKWARD_TEXT, ""),
        new Event.StockSet(longSku, Long.MAX_VALUE),
        new Event.StockSet("0", 0),
        new Event.StockSet("SKU-PRICED", 3, 1999L, "EUR", AWKWARD_TEXT),
        new Event.OperatorAction(Event.OperatorAction.CONTACT_ERASED, AWKWARD_TEXT, "", null),
        new Event.StockRejected(ORDER, "SKU-1", Integer.MIN_VALUE, Long.MIN_VALUE),
        new Event.StockCommitted(ORDER, List.of()),
        new Event.PaymentAuthorized(ORDER, "", Long.MIN_VALUE, "EUR"),
        new Event.PaymentDeclined(ORDER, Event.PaymentDeclined.TOKEN_EXPIRED, 0, "GBP"),
        new Event.PaymentVoided(ORDER, AWKWARD_TEXT, 1, "CHF"),
        new Event.BreakerChanged(AWKWARD_TEXT, "HALF_OPEN", null),
        new Event.NotificationSent(ORDER, "", AWKWARD_TEXT));
  }

  static List<Instant> times() {
    return List.of(
        Instant.parse("2026-11-29T10:15:30.123456Z"),
        Instant.parse("2026-11-29T10:15:30Z"),
        Instant.parse("2026-11-29T10:15:30.100Z"),
        Instant.parse("2028-02-29T23:59:59.999999999Z"),
        Instant.EPOCH,
        Instant.ofEpochSecond(-1, 1),
        Instant.parse("0000-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.000000001Z"),
        Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("-0001-06-15T12:00:00.5Z"),
        Instant.MIN,
        Instant.MAX);
  }

  static List<Cause> causes() {
    return List.of(Cause.NONE, Cause.trace(TRACEPARENT), new Cause("7d3f0c1e-5a2b-3c4d-8e9f-0a1b2c3d4e5f", TRACEPARENT, 1),
        new Cause("e-1", null, Integer.MAX_VALUE), new Cause(AWKWARD_TEXT, AWKWARD_TEXT, 0));
  }

  /** Every type with every cause, the edge cases, and one event at each of the times. */
  static List<Envelope> envelopes() {
    Instant now = times().get(0);
    List<Envelope> all = new ArrayList<>();
    for (Event data : everyType()) {
      for (Cause cause : causes()) all.add(Envelope.of(data, now, cause));
    }
    for (Event data : edgeCases()) all.add(Envelope.of(data, now, causes().get(2)));
    for (Instant time : times()) all.add(Envelope.of(everyType().get(0), time, causes().get(2)));
    // Attributes the services never write but the contract allows.
    Event confirmed = everyType().get(1);
    all.add(new Envelope(AWKWARD_TEXT, EventType.ORDER_CONFIRMED, ORDER, now, "", "", 0, confirmed));
    all.add(new Envelope(" x ", EventType.ORDER_CONFIRMED, ORDER, now, null, null, 1, confirmed));
    return all;
  }
}
