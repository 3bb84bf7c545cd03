package io.orderflow.benchmarks;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventType;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.StockLine;
import io.orderflow.orders.domain.PlaceOrder;
import io.orderflow.orders.domain.Pricing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A paid order as the pipeline sees it: three lines priced from a catalog, and its six events from
 * OrderPlaced to the mail, in causal order, each naming its cause and trace like the services' events do.
 */
record SampleOrder(Event.OrderPlaced placed, List<Envelope> events) {
  static final String CUSTOMER = "c-1042";
  static final List<String> SKUS = List.of("SKU-MUG-01", "SKU-TEE-M", "SKU-POSTER-A2");
  static final Instant PLACED_AT = Instant.parse("2026-11-29T10:15:30.123456Z");
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static final List<PlaceOrder.Item> ITEMS =
      List.of(new PlaceOrder.Item(SKUS.get(0), 2), new PlaceOrder.Item(SKUS.get(1), 1), new PlaceOrder.Item(SKUS.get(2), 3));
  private static final Map<String, Pricing.CatalogPrice> CATALOG = Map.of(
      SKUS.get(0), new Pricing.CatalogPrice(1250, "EUR", true),
      SKUS.get(1), new Pricing.CatalogPrice(2499, "EUR", true),
      SKUS.get(2), new Pricing.CatalogPrice(899, "EUR", true));
  /** The request's fingerprint names no order, so every sample order shares it. */
  private static final String REQUEST_HASH = new PlaceOrder(CUSTOMER, "ada@example.com", ITEMS, "tok_visa").fingerprint();

  /** The OrderPlaced of order {@code orderId}, priced like orders prices a request. */
  static Event.OrderPlaced placed(String orderId) {
    try {
      Pricing.Priced priced = Pricing.price(ITEMS, CATALOG);
      return new Event.OrderPlaced(orderId, CUSTOMER, priced.lines(), priced.totalCents(), priced.currency(), REQUEST_HASH);
    } catch (Pricing.Unpriceable e) {
      throw new IllegalStateException("the sample catalog prices every item", e);
    }
  }

  /** Order {@code orderId}, placed, reserved, charged, confirmed, sold and mailed, a few milliseconds apart. */
  static SampleOrder paid(String orderId) {
    Event.OrderPlaced p = placed(orderId);
    List<StockLine> stock = p.lines().stream().map(OrderLine::stock).toList();
    long total = p.totalCents();
    List<Envelope> events = new ArrayList<>();
    Envelope placed = Envelope.of(p, PLACED_AT, Cause.trace(TRACEPARENT));
    events.add(placed);
    Envelope reserved = after(events, placed, new Event.StockReserved(orderId, stock, total, p.currency(), p.requestHash()), 4);
    Envelope charged = after(events, reserved, new Event.PaymentAuthorized(orderId, "ch_5f2c9a4e1b7d3a60c8e94f12", total, p.currency()), 183);
    Envelope confirmed = after(events, charged,
        new Event.OrderConfirmed(orderId, p.customerId(), total, p.currency(), p.requestHash()), 189);
    after(events, confirmed, new Event.StockCommitted(orderId, stock), 193);
    after(events, confirmed, new Event.NotificationSent(orderId, "order-confirmed", "<" + orderId + ".confirmed@orderflow>"), 241);
    return new SampleOrder(p, List.copyOf(events));
  }

  /** The first event of {@code type} in the order's history. */
  Envelope event(EventType type) {
    return events.stream().filter(e -> e.type() == type).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("a paid order has no " + type + "; it has "
            + events.stream().map(Envelope::type).toList()));
  }

  private static Envelope after(List<Envelope> events, Envelope cause, Event data, long millisAfterPlaced) {
    Envelope e = Envelope.of(data, PLACED_AT.plusMillis(millisAfterPlaced), cause.asCause(1));
    events.add(e);
    return e;
  }
}
