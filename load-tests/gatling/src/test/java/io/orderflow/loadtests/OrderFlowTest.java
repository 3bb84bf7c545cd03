package io.orderflow.loadtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OrderFlowTest {
  private final Catalog catalog = new Catalog(1000);
  private final SplittableRandom random = new SplittableRandom(42);

  @Test
  void theFlowsShareAllTheTraffic() {
    assertThat(Arrays.stream(OrderFlow.values()).mapToDouble(f -> f.percent).sum()).isEqualTo(100);
  }

  @Test
  void anOrderHasOneToFiveLinesOnDistinctStockedSkus() {
    Set<String> stocked = catalog.items().stream().filter(i -> i.available() > 0).map(Catalog.Item::sku)
        .collect(Collectors.toSet());
    for (int i = 0; i < 1_000; i++) {
      var lines = OrderFlow.PAID.lines(catalog, random);
      assertThat(lines).hasSizeBetween(1, 5);
      assertThat(lines).extracting(Catalog.Line::sku).doesNotHaveDuplicates().allMatch(stocked::contains);
      assertThat(lines).extracting(Catalog.Line::quantity).allMatch(q -> q >= 1 && q <= 3);
    }
  }

  @Test
  void hotSkusGetAboutThirtyPercentOfTheLines() {
    long lines = 0;
    long hot = 0;
    for (int i = 0; i < 10_000; i++) {
      for (var line : catalog.lines(random)) {
        lines++;
        if (line.sku().compareTo(Catalog.sku(10)) < 0) hot++;
      }
    }
    assertThat((double) hot / lines).isBetween(0.28, 0.34);
  }

  @Test
  void anOutOfStockOrderAlwaysAsksForTheSkuStockedAtZero() {
    assertThat(catalog.items()).contains(new Catalog.Item(Catalog.SOLD_OUT_SKU, 999, 0));
    for (int i = 0; i < 1_000; i++) {
      assertThat(OrderFlow.OUT_OF_STOCK.lines(catalog, random)).hasSizeBetween(1, 5)
          .extracting(Catalog.Line::sku).containsOnlyOnce(Catalog.SOLD_OUT_SKU);
    }
  }

  @Test
  void theRequestBodyIsTheJsonThatPostOrdersTakes() throws Exception {
    var lines = OrderFlow.DECLINED.lines(catalog, random);

    JsonNode body = new ObjectMapper().readTree(OrderFlow.DECLINED.requestBody("lt-c-7", lines));

    assertThat(body.get("customerId").asText()).isEqualTo("lt-c-7");
    assertThat(body.get("email").asText()).isEqualTo("lt-c-7@example.com");
    assertThat(body.get("paymentToken").asText()).isEqualTo("tok_chargeDeclined");
    assertThat(body.get("items")).hasSize(lines.size());
    assertThat(body.get("items").get(0).get("sku").asText()).isEqualTo(lines.get(0).sku());
    assertThat(body.get("items").get(0).get("quantity").asInt()).isEqualTo(lines.get(0).quantity());
  }

  @Test
  void theOutcomeNamesTheReasonOfACancelledOrder() {
    assertThat(OrderFlow.outcome(Map.of("status", "CONFIRMED"))).isEqualTo(OrderFlow.PAID.expectedOutcome);
    assertThat(OrderFlow.outcome(Map.of("status", "CANCELLED", "reason", "OUT_OF_STOCK")))
        .isEqualTo(OrderFlow.OUT_OF_STOCK.expectedOutcome);
  }
}
