package io.orderflow.codecs;

import java.util.Objects;

/** One line of an order: a SKU, how many, and the unit price the catalog had when the order was placed. */
public record OrderLine(String sku, int quantity, long unitPriceCents) {
  public OrderLine {
    Ids.requireSku(sku);
    if (quantity <= 0) throw new IllegalArgumentException("quantity must be positive: " + quantity);
    if (unitPriceCents < 0) throw new IllegalArgumentException("unitPriceCents must not be negative");
  }

  public long totalCents() {
    return Math.multiplyExact(unitPriceCents, (long) quantity);
  }

  public StockLine stock() {
    return new StockLine(sku, quantity);
  }

  static java.util.List<OrderLine> copy(java.util.List<OrderLine> lines) {
    Objects.requireNonNull(lines, "lines");
    if (lines.isEmpty()) throw new IllegalArgumentException("lines must not be empty");
    return java.util.List.copyOf(lines);
  }
}
