package io.orderflow.inventory.domain;

/**
 * What inventory knows about one SKU. An operator sets {@code available} (units for sale now); reservations
 * move units to {@code reserved}, sales on to {@code sold}, releases back to {@code available}.
 */
public record StockLevel(String sku, long available, long reserved, long sold) {}
