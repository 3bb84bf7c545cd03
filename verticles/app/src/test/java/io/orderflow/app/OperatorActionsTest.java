package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Operator actions on the record: a stock and price set names its admin in its StockSet; erasing a customer's
 * contact data purges the addresses, is recorded as an OperatorAction naming the admin, lands in the audit chain,
 * and the chain still verifies. (Dead-letter replays and deletes: DeadLetterTest.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorActionsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  Pipeline p;
  int api;
  int mgmt;

  @BeforeAll
  void start() throws Exception {
    p = new Pipeline();
    var host = p.host("orders,inventory,audit");
    api = host.publicPort();
    mgmt = host.managementPort();
  }

  @AfterAll
  void stop() throws Exception {
    p.close();
  }

  @Test
  void aStockAndPriceSetNamesTheAdminWhoSetIt() throws Exception {
    var r = p.call(HttpMethod.PUT, api, "/inventory/SKU-ACTOR", new JsonObject().put("priceCents", 1999).put("available", 7), Map.of());
    assertThat(r.statusCode()).isEqualTo(200);

    Envelope set = event(p.nc.jetStreamManagement().getLastMessage(Topology.INVENTORY, Subjects.INVENTORY_STOCK + ".SKU-ACTOR"));
    assertThat(set.data()).isEqualTo(new Event.StockSet("SKU-ACTOR", 7, 1999L, "EUR", "test-admin"));
  }

  @Test
  void erasingACustomersContactDataPurgesItsAddressesIsRecordedAndTheChainStillVerifies() throws Exception {
    p.call(HttpMethod.PUT, api, "/inventory/SKU-ERASE", new JsonObject().put("priceCents", 500).put("available", 10), Map.of());
    String customer = "c-erase";
    var placed = p.call(HttpMethod.POST, api, "/orders", Orders.order(customer, "tok_visa", "SKU-ERASE", 1), Map.of());
    assertThat(placed.statusCode()).isEqualTo(202);
    String order = placed.bodyAsJsonObject().getString("orderId");
    assertThat(contactsOf(order)).as("the hand-off holds the address").isPresent();
    String other = p.call(HttpMethod.POST, api, "/orders", Orders.order("c-keep", "tok_visa", "SKU-ERASE", 1), Map.of())
        .bodyAsJsonObject().getString("orderId");

    // Only an admin may erase.
    var asCustomer = p.call(HttpMethod.DELETE, mgmt, "/admin/customers/" + customer + "/contact", null,
        Map.of("Authorization", "Bearer " + p.customerToken(customer)));
    assertThat(asCustomer.statusCode()).isEqualTo(403);
    assertThat(contactsOf(order)).isPresent();

    var erased = p.call(HttpMethod.DELETE, mgmt, "/admin/customers/" + customer + "/contact", null, Map.of());

    assertThat(erased.statusCode()).as(erased.bodyAsString()).isEqualTo(200);
    assertThat(erased.bodyAsJsonObject().getMap()).containsEntry("orders", 1).containsEntry("erasedAddresses", 1);
    assertThat(contactsOf(order)).as("erased").isEmpty();
    assertThat(contactsOf(other)).as("another customer's address stays").isPresent();
    Envelope record = event(p.nc.jetStreamManagement().getLastMessage(Topology.SYSTEM,
        Subjects.SYSTEM_OPERATOR + "." + Event.OperatorAction.CONTACT_ERASED));
    assertThat(record.data()).isEqualTo(new Event.OperatorAction(Event.OperatorAction.CONTACT_ERASED, "test-admin",
        "customer " + customer, "1 address(es) of 1 order(s)"));
    // The record is chained like any event, and the chain (which never held the address) still verifies.
    await().atMost(PATIENCE).until(() -> AuditReader.read(p.nc).eventIds().contains(record.id()));
    var verify = p.get(api, "/audit/verify");
    assertThat(verify.statusCode()).as(verify.bodyAsString()).isEqualTo(200);
    assertThat(p.call(HttpMethod.DELETE, mgmt, "/admin/customers/not%20an%20id/contact", null, Map.of()).statusCode()).isEqualTo(400);
  }

  private Optional<MessageInfo> contactsOf(String order) throws Exception {
    try {
      return Optional.of(p.nc.jetStreamManagement().getMessage(Topology.CONTACTS,
          io.nats.client.api.MessageGetRequest.nextForSubject(1, Subjects.HANDOFF_CONTACT + "." + order + ".>")));
    } catch (JetStreamApiException e) {
      return Optional.empty();
    }
  }

  private static Envelope event(MessageInfo m) {
    return ((Decoded.Ok) EventCodec.decode(m.getData())).envelope();
  }
}
