package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.api.ConsumerInfo;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Provisioner.Outcome;
import io.orderflow.runtime.messaging.ReleaseTopology;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An upgrade rehearsed: the streams and consumers an earlier release's provisioning made (commit 4811023, recorded in
 * runtime's test resources), orders in flight at every stage of the saga when the upgrade starts, this version's
 * provisioning (with consumer settings that differ too), then this version's services. Every order accepted before
 * the upgrade ends exactly once, nothing is charged twice, stock is conserved, the audit log holds every event
 * once, and provisioning again changes nothing.
 */
class UpgradeRehearsalTest {
  @Test
  void ordersInFlightAcrossAnUpgradeFromAnEarlierReleasesTopologyEndExactlyOnce() throws Exception {
    try (OperationsBed bed = new OperationsBed()) {
      ReleaseTopology.create(bed.nc, ReleaseTopology.OLDER);
      List<Topology.ConsumerSpec> before = earlierConsumers();

      // The running release: orders and inventory at work, payments, notifications and audit not (yet) consuming.
      ServiceHost orders = bed.host("orders");
      ServiceHost inventory = bed.host("inventory");
      int api = orders.publicPort();
      bed.setStock(inventory.publicPort(), "SKU-A", 1000, 1250);
      bed.setStock(inventory.publicPort(), "SKU-SCARCE", 2, 9999);
      Map<String, String> expected = new HashMap<>();
      for (int i = 0; i < 20; i++) expected.put(bed.place(api, Orders.order("c-" + i % 7, "tok_visa", "SKU-A", 1)), "CONFIRMED");
      for (int i = 0; i < 5; i++) expected.put(bed.place(api, Orders.order("c-d" + i, "tok_chargeDeclined", "SKU-A", 1)), "PAYMENT_DECLINED");
      List<String> scarce = new ArrayList<>();
      for (int i = 0; i < 5; i++) scarce.add(bed.place(api, Orders.order("c-s" + i, "tok_visa", "SKU-SCARCE", 1)));
      // Inventory has decided all of them (reserved, or out of stock and cancelled by orders) ...
      await().atMost(Duration.ofSeconds(60)).until(() -> idle(bed, Topology.INVENTORY_ORDERS) && idle(bed, Topology.ORDERS_REJECTED));
      bed.stop(inventory);
      // ... and these it never saw: placed while inventory was down for the upgrade.
      for (int i = 0; i < 15; i++) expected.put(bed.place(api, Orders.order("c-l" + i % 4, "tok_visa", "SKU-A", 2)), "CONFIRMED");
      for (int i = 0; i < 5; i++) expected.put(bed.place(api, Orders.order("c-ld" + i, "tok_chargeDeclined", "SKU-A", 1)), "PAYMENT_DECLINED");
      List<String> ids = new ArrayList<>(expected.keySet());
      ids.addAll(scarce);
      long pending = 0;
      for (String id : ids) if (bed.get(api, "/orders/" + id).getString("status").equals("PENDING")) pending++;
      assertThat(pending).as("orders in flight when the upgrade starts").isEqualTo(47);
      bed.stop(orders);

      // The upgrade: this version's provisioning over the earlier release's topology, with a shorter ack wait.
      Map<String, String> positions = positions(bed, before);
      Provisioner.Changes changes = bed.provision();
      assertThat(changes.with(Outcome.CREATED)).extracting(Provisioner.Change::what).containsExactlyInAnyOrder(
          "consumer audit-system on SYSTEM", "consumer audit-system-replay on REPLAY", "object store AUDIT_SNAPSHOTS");
      assertThat(changes.with(Outcome.UPDATED)).hasSize(before.size())
          .allSatisfy(c -> assertThat(c.detail()).isEqualTo("ack wait: PT30S -> PT10S"));
      assertThat(changes.with(Outcome.LEFT_IN_PLACE)).isEmpty();
      assertThat(positions(bed, before)).as("every consumer's position and work, after provisioning").isEqualTo(positions);
      try (var audit = new ReleaseTopology.ApiAudit(bed.nc)) {
        assertThat(bed.provision().none()).isTrue();
        assertThat(audit.writes(bed.nc)).as("create or update requests of a second provisioning").isEmpty();
      }

      // This version's services take over.
      api = bed.host("all").publicPort();
      Map<String, JsonObject> finals = new HashMap<>();
      int port = api;
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (String id : ids) {
          if (finals.containsKey(id)) continue;
          JsonObject view = bed.get(port, "/orders/" + id);
          if (!view.getString("status").equals("PENDING")) finals.put(id, view);
        }
        return finals.size() == ids.size();
      });
      await().atMost(Duration.ofSeconds(60)).until(bed::quiet);

      // I1: each order ended once, as its payment and stock decide.
      var ended = bed.subjectCounts(Topology.ORDERS, "orderflow.orders.ended.>");
      for (String id : ids) assertThat(ended.get("orderflow.orders.ended." + id)).as(id).isEqualTo(1L);
      expected.forEach((id, outcome) -> assertThat(outcome.equals("CONFIRMED") ? finals.get(id).getString("status")
          : finals.get(id).getString("reason")).as(id).isEqualTo(outcome));
      assertThat(scarce.stream().map(finals::get).filter(v -> v.getString("status").equals("CONFIRMED"))).hasSize(2);
      assertThat(scarce.stream().map(finals::get).filter(v -> "OUT_OF_STOCK".equals(v.getString("reason")))).hasSize(3);

      // I2: one charge per confirmed order, for its total, none for the others.
      JsonObject keys = bed.get(bed.pspPort, "/admin/ledger").getJsonObject("keys");
      Set<String> confirmed = new HashSet<>();
      finals.forEach((id, v) -> {
        if (v.getString("status").equals("CONFIRMED")) confirmed.add(id);
      });
      Set<String> charged = new HashSet<>();
      for (String key : keys.fieldNames()) {
        var charges = keys.getJsonObject(key).getJsonArray("charges");
        if (charges.isEmpty()) continue;
        charged.add(key);
        assertThat(charges).hasSize(1);
        assertThat(charges.getJsonObject(0).getLong("amountCents")).isEqualTo(finals.get(key).getLong("totalCents"));
      }
      assertThat(charged).isEqualTo(confirmed);

      // I3: stock conserved, nothing left reserved.
      JsonObject a = bed.get(api, "/inventory/SKU-A");
      assertThat(a.getLong("reserved")).isZero();
      assertThat(a.getLong("sold")).isEqualTo(20 + 15 * 2);
      assertThat(a.getLong("available") + a.getLong("sold")).isEqualTo(1000);
      JsonObject s = bed.get(api, "/inventory/SKU-SCARCE");
      assertThat(s.getLong("reserved")).isZero();
      assertThat(s.getLong("sold")).isEqualTo(2);

      // I4: the audit log, which started consuming after the upgrade, holds every event once, SYSTEM's included.
      AuditReader audit = AuditReader.read(bed.nc);
      Set<String> published = new HashSet<>();
      for (String stream : List.of(Topology.ORDERS, Topology.INVENTORY, Topology.PAYMENTS, Topology.NOTIFICATIONS, Topology.SYSTEM)) {
        published.addAll(bed.eventIds(stream));
      }
      assertThat(audit.duplicates()).isEmpty();
      assertThat(audit.eventIds()).isEqualTo(published);
      assertThat(audit.causalViolations()).isEmpty();
      assertThat(bed.get(api, "/audit/verify?full=true").getBoolean("verified")).isTrue();
      System.out.printf("upgrade from %s: %d orders in flight, %d created and %d updated by provisioning, all ended once (%d confirmed)%n",
          ReleaseTopology.OLDER, pending, changes.with(Outcome.CREATED).size(), changes.with(Outcome.UPDATED).size(), confirmed.size());
    }
  }

  /** The earlier release's consumers: this version's, less those it added. */
  private static List<Topology.ConsumerSpec> earlierConsumers() {
    return Topology.CONSUMERS.stream().filter(c -> !c.durable().startsWith("audit-system")).toList();
  }

  private static boolean idle(OperationsBed bed, Topology.ConsumerSpec c) throws Exception {
    ConsumerInfo ci = bed.nc.jetStreamManagement().getConsumerInfo(c.stream(), c.durable());
    return ci.getNumPending() == 0 && ci.getNumAckPending() == 0;
  }

  /** Each consumer's delivered and acknowledged positions and its pending and unacknowledged counts. */
  private static Map<String, String> positions(OperationsBed bed, List<Topology.ConsumerSpec> consumers) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (Topology.ConsumerSpec c : consumers) {
      ConsumerInfo ci = bed.nc.jetStreamManagement().getConsumerInfo(c.stream(), c.durable());
      out.put(c.durable(), ci.getDelivered().getStreamSequence() + "/" + ci.getAckFloor().getStreamSequence() + "/" + ci.getNumPending()
          + "/" + ci.getNumAckPending());
    }
    return out;
  }
}
