package io.orderflow.loadtests;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The three kinds of order the simulation places, their share of the traffic, and how each must end
 * ({@code status}, or {@code status/reason} for a cancelled order, as {@code GET /orders/{id}} shows it).
 */
enum OrderFlow {
  PAID("paid", 90, "tok_visa", "CONFIRMED"),
  DECLINED("declined", 5, "tok_chargeDeclined", "CANCELLED/PAYMENT_DECLINED"),
  OUT_OF_STOCK("out-of-stock", 5, "tok_visa", "CANCELLED/OUT_OF_STOCK");

  static final String PENDING = "PENDING";

  final String label;
  final double percent;
  final String paymentToken;
  final String expectedOutcome;

  OrderFlow(String label, double percent, String paymentToken, String expectedOutcome) {
    this.label = label;
    this.percent = percent;
    this.paymentToken = paymentToken;
    this.expectedOutcome = expectedOutcome;
  }

  List<Catalog.Line> lines(Catalog catalog, RandomGenerator random) {
    return this == OUT_OF_STOCK ? catalog.linesWithSoldOut(random) : catalog.lines(random);
  }

  /** A {@code POST /orders} body; the ids and SKUs it is built from need no JSON escaping. */
  String requestBody(String customerId, List<Catalog.Line> lines) {
    var items = new StringBuilder();
    for (var line : lines) {
      if (!items.isEmpty()) items.append(',');
      items.append("{\"sku\":\"").append(line.sku()).append("\",\"quantity\":").append(line.quantity()).append('}');
    }
    return "{\"customerId\":\"" + customerId + "\",\"email\":\"" + customerId + "@example.com\",\"items\":[" + items
        + "],\"paymentToken\":\"" + paymentToken + "\"}";
  }

  /** What an order view says about how the order stands: {@code status}, plus {@code /reason} when there is one. */
  static String outcome(Map<String, Object> orderView) {
    Object status = orderView.get("status");
    Object reason = orderView.get("reason");
    return reason == null ? String.valueOf(status) : status + "/" + reason;
  }
}
