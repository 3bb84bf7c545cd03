package io.orderflow.loadtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sets price and stock of every catalog item with {@code PUT /inventory/{sku}} before the load starts.
 * A set, not an add: every run starts from the same stock. Outside Gatling's statistics, so the report
 * and its assertions measure the order API alone. Needs an admin's token.
 */
final class CatalogStocker {
  private static final int IN_FLIGHT = 8;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String inventoryUrl;
  private final String authorization;

  /** {@code authorization}: {@code Bearer <admin token>}. */
  CatalogStocker(String inventoryUrl, String authorization) {
    this.inventoryUrl = inventoryUrl;
    this.authorization = authorization;
  }

  /** Stocks every item, {@value #IN_FLIGHT} at a time; the first failure ends the run before any load. */
  void stock(List<Catalog.Item> items) {
    var results = new ArrayList<Future<Void>>(items.size());
    // HTTP/1.1 as Gatling speaks it: no h2c upgrade attempt on every PUT.
    try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
         var pool = Executors.newFixedThreadPool(IN_FLIGHT)) {
      try {
        for (var item : items) results.add(pool.submit(() -> put(client, item)));
        for (var result : results) result.get();
      } finally {
        pool.shutdownNow();   // after a failure, the queued PUTs are not sent
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("stocking the catalog at " + inventoryUrl + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stocking the catalog", e);
    }
  }

  private Void put(HttpClient client, Catalog.Item item) throws IOException, InterruptedException {
    String body = "{\"priceCents\":" + item.priceCents() + ",\"available\":" + item.available()
        + ",\"name\":\"load test " + item.sku() + "\"}";
    var request = HttpRequest.newBuilder(URI.create(inventoryUrl + "/inventory/" + item.sku()))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Authorization", authorization)
        .PUT(HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("PUT /inventory/" + item.sku() + " answered " + response.statusCode() + ": " + response.body());
    }
    return null;
  }
}
