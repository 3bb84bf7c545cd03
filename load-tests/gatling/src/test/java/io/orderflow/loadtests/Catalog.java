package io.orderflow.loadtests;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The load test's own SKUs ({@code LT-00000} ...), apart from any real catalog: each priced and stocked far
 * beyond what a run sells, so paid orders never run out; the first hundredth of them are hot and get
 * {@link #HOT_SHARE} of the lines. {@link #SOLD_OUT_SKU} is stocked at zero: an order with it is cancelled
 * {@code OUT_OF_STOCK} as a whole.
 */
final class Catalog {
  static final String SOLD_OUT_SKU = "LT-SOLD-OUT";
  static final long STOCK_PER_SKU = 1_000_000;
  static final double HOT_SHARE = 0.3;
  static final int MAX_LINES = 5;
  static final int MAX_QUANTITY = 3;

  /** One order line. */
  record Line(String sku, int quantity) {}

  /** A SKU as the setup stocks it. */
  record Item(String sku, long priceCents, long available) {}

  private final int size;
  private final int hot;

  Catalog(int size) {
    if (size < MAX_LINES) throw new IllegalArgumentException("a catalog needs at least " + MAX_LINES + " SKUs, not " + size);
    this.size = size;
    this.hot = Math.max(1, size / 100);
  }

  /** Every SKU with its price and stock, the sold-out one last. */
  List<Item> items() {
    var items = new ArrayList<Item>(size + 1);
    IntStream.range(0, size).forEach(i -> items.add(new Item(sku(i), priceCents(i), STOCK_PER_SKU)));
    items.add(new Item(SOLD_OUT_SKU, 999, 0));
    return items;
  }

  /** 1-5 lines over distinct SKUs, 1-3 units each. */
  List<Line> lines(RandomGenerator random) {
    int count = random.nextInt(1, MAX_LINES + 1);
    Set<String> skus = new LinkedHashSet<>();
    while (skus.size() < count) {
      skus.add(sku(random.nextDouble() < HOT_SHARE ? random.nextInt(hot) : random.nextInt(size)));
    }
    return skus.stream().map(sku -> new Line(sku, random.nextInt(1, MAX_QUANTITY + 1))).toList();
  }

  /** Like {@link #lines}, but one of the lines asks for the sold-out SKU. */
  List<Line> linesWithSoldOut(RandomGenerator random) {
    var lines = new ArrayList<>(lines(random));
    lines.set(random.nextInt(lines.size()), new Line(SOLD_OUT_SKU, 1));
    return List.copyOf(lines);
  }

  static String sku(int index) {
    return "LT-%05d".formatted(index);
  }

  /** A spread of prices from 1.99 to 99.98, the same for a SKU on every run. */
  static long priceCents(int index) {
    return 199 + (index * 7_919L) % 9_800;
  }
}
