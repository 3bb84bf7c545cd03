package io.orderflow.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.ProvisionedBroker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A customer's orders are listed page by page from the projection bucket, most recently changed first. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderListingTest {
  ProvisionedBroker broker;
  OrderProjection projection;

  @BeforeAll
  void start() throws Exception {
    broker = ProvisionedBroker.start();
    projection = new OrderProjection(broker.bridge);
  }

  @AfterAll
  void stop() throws Exception {
    broker.close();
  }

  @Test
  void pagesFollowTheCursorAndListEachOrderOnceNewestFirst() throws Exception {
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      placed.add(put("c-pages"));
      put("c-other-" + i % 3); // other customers' orders in between
    }
    List<String> listed = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    long cursor = 0;
    do {
      OrderProjection.Page page = projection.ofCustomer("c-pages", 10, cursor).await(10, TimeUnit.SECONDS);
      page.orders().forEach(v -> listed.add(v.orderId()));
      sizes.add(page.orders().size());
      cursor = page.next();
    } while (cursor > 0);
    assertThat(sizes).containsExactly(10, 10, 5);
    assertThat(listed).containsExactlyElementsOf(placed.reversed());
  }

  @Test
  void anOrderThatEndsMovesToTheTopWithItsNewState() throws Exception {
    String older = put("c-ends");
    put("c-ends");
    OrderView view = projection.get("c-ends", older).await(10, TimeUnit.SECONDS).orElseThrow();
    projection.put(view.ended(new Event.OrderConfirmed(older, "c-ends", 100, "EUR", "h"), Instant.now())).await(10, TimeUnit.SECONDS);

    OrderProjection.Page page = projection.ofCustomer("c-ends", 10, 0).await(10, TimeUnit.SECONDS);
    assertThat(page.orders()).hasSize(2).first().satisfies(v -> {
      assertThat(v.orderId()).isEqualTo(older);
      assertThat(v.status().name()).isEqualTo("CONFIRMED");
    });
    assertThat(page.next()).isZero();
  }

  @Test
  void aCustomerWithoutOrdersHasAnEmptyPage() throws Exception {
    put("c-someone");
    OrderProjection.Page page = projection.ofCustomer("c-nobody", 10, 0).await(10, TimeUnit.SECONDS);
    assertThat(page.orders()).isEmpty();
    assertThat(page.next()).isZero();
  }

  private String put(String customer) throws Exception {
    var placed = new Event.OrderPlaced(Ids.newOrderId(), customer, List.of(new OrderLine("SKU-1", 1, 100)), 100, "EUR", "h");
    projection.putPendingIfAbsent(OrderView.placed(placed, Instant.now())).await(10, TimeUnit.SECONDS);
    return placed.orderId();
  }
}
