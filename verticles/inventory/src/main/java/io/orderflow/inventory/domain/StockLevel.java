package io.orderflow.inventory.domain;

/** What inventory knows about one SKU. available + reserved + sold is the stock the operator set, plus what sold since. */
public record StockLevel(String sku, long available, long reserved, long sold) {}
