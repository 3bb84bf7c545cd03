package io.orderflow.orders.domain;

import io.orderflow.codecs.OrderLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prices an order from the catalog (never from the client). */
public final class Pricing {
  public record CatalogPrice(long priceCents, String currency, boolean active) {}

  public record Priced(List<OrderLine> lines, long totalCents, String currency) {}

  /** A reason the order cannot be priced, for the client. */
  public static final class Unpriceable extends Exception {
    public Unpriceable(String message) {
      super(message, null, false, false);
    }
  }

  private Pricing() {}

  public static Priced price(List<PlaceOrder.Item> items, Map<String, CatalogPrice> catalog) throws Unpriceable {
    List<OrderLine> lines = new ArrayList<>();
    String currency = null;
    long total = 0;
    for (PlaceOrder.Item item : items) {
      CatalogPrice p = catalog.get(item.sku());
      if (p == null || !p.active()) throw new Unpriceable("unknown SKU " + item.sku());
      if (currency != null && !currency.equals(p.currency())) throw new Unpriceable("the items are priced in different currencies");
      currency = p.currency();
      OrderLine line = new OrderLine(item.sku(), item.quantity(), p.priceCents());
      total = Math.addExact(total, line.totalCents());
      lines.add(line);
    }
    return new Priced(List.copyOf(lines), total, currency);
  }
}
