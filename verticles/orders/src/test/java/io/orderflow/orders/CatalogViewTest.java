package io.orderflow.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.orders.domain.Pricing;
import io.orderflow.runtime.ProvisionedBroker;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The in-memory catalog prices orders without a read per SKU, and stays as current as the bucket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogViewTest {
  ProvisionedBroker broker;
  JetStreamBridge bridge;
  CatalogView view;

  @BeforeAll
  void start() throws Exception {
    broker = ProvisionedBroker.start();
    bridge = broker.bridge;
    put("CV-OLD", 500, true);
    view = new CatalogView(bridge);
    view.start().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    view.stop().await(10, TimeUnit.SECONDS);
    broker.close();
  }

  @Test
  void whatTheBucketHeldBeforeTheStartIsLoaded() throws Exception {
    assertThat(prices("CV-OLD")).containsEntry("CV-OLD", new Pricing.CatalogPrice(500, "EUR", true));
  }

  @Test
  void aSkuStockedAMomentAgoIsPricedAtOnceAndAnUnknownOneIsAbsent() throws Exception {
    put("CV-NEW", 700, true);
    // No wait for the watch: a SKU the view does not hold yet is read from the bucket.
    assertThat(prices("CV-NEW", "CV-NONE")).containsOnlyKeys("CV-NEW").containsEntry("CV-NEW", new Pricing.CatalogPrice(700, "EUR", true));
  }

  @Test
  void aChangedPriceAndADeactivationReachTheView() throws Exception {
    put("CV-CHANGE", 100, true);
    await().atMost(Duration.ofSeconds(5)).until(() -> prices("CV-CHANGE").containsKey("CV-CHANGE"));
    put("CV-CHANGE", 150, false);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> new Pricing.CatalogPrice(150, "EUR", false).equals(prices("CV-CHANGE").get("CV-CHANGE")));
  }

  private Map<String, Pricing.CatalogPrice> prices(String... skus) throws Exception {
    return view.prices(List.of(skus)).await(5, TimeUnit.SECONDS);
  }

  private void put(String sku, long cents, boolean active) throws Exception {
    byte[] value = new JsonObject().put("sku", sku).put("priceCents", cents).put("currency", "EUR").put("active", active).toBuffer().getBytes();
    bridge.kvPut(Topology.CATALOG, sku, value).await(5, TimeUnit.SECONDS);
  }
}
