package io.orderflow.codecs;

/** A quantity of one SKU, as inventory sees it (no price). */
public record StockLine(String sku, int quantity) {
  public StockLine {
    Ids.requireSku(sku);
    if (quantity <= 0) throw new IllegalArgumentException("quantity must be positive: " + quantity);
  }
}
