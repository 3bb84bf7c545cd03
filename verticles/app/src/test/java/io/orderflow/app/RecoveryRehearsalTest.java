package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.api.ConsumerInfo;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.backup.BackupManifest;
import io.orderflow.runtime.backup.JetStreamBackup;
import io.orderflow.runtime.backup.JetStreamRestore;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost server recovered from a backup taken while orders were in flight (payments down): restored onto a new server
 * as the backup identity, provisioned, this version's services started. Orders that ended before the backup stay as
 * they were; orders in flight end exactly once, CANCELLED (payment token expired) since a backup keeps no payment
 * token, with their stock released; the audit log holds every event once.
 */
class RecoveryRehearsalTest {
  @Test
  void ordersInFlightAtTheBackupEndExactlyOnceAfterItIsRestoredOntoANewServer(@TempDir Path dir) throws Exception {
    Path backup = dir.resolve("backup");
    List<String> ended = new ArrayList<>();
    List<String> inFlight = new ArrayList<>();
    BackupManifest manifest;
    try (OperationsBed lost = new OperationsBed()) {
      lost.provision();
      ServiceHost services = lost.host("orders,inventory,notifications,audit");
      ServiceHost payments = lost.host("payments");
      int api = services.publicPort();
      lost.setStock(api, "SKU-A", 1000, 1250);
      for (int i = 0; i < 10; i++) ended.add(lost.place(api, Orders.order("c-" + i % 3, "tok_visa", "SKU-A", 1)));
      await().atMost(Duration.ofSeconds(60)).until(() -> confirmed(lost, api, ended));
      lost.stop(payments);
      for (int i = 0; i < 15; i++) inFlight.add(lost.place(api, Orders.order("c-f" + i % 5, "tok_visa", "SKU-A", 2)));
      await().atMost(Duration.ofSeconds(60)).until(() -> idle(lost, Topology.INVENTORY_ORDERS) && idle(lost, Topology.AUDIT_INVENTORY));

      manifest = JetStreamBackup.backup(Settings.of(lost.settings), backup);
      // The disaster: the server and everything it stored are gone with this bed.
    }

    try (OperationsBed recovered = new OperationsBed()) {
      JetStreamRestore.Report report = JetStreamRestore.restore(Settings.of(recovered.settings), backup);
      Provisioner.Changes changes = recovered.provision();
      assertThat(changes.with(Provisioner.Outcome.CREATED)).extracting(Provisioner.Change::what)
          .containsExactlyInAnyOrder("stream " + Topology.PAYMENT_TOKENS, "stream " + Topology.CONTACTS);
      int api = recovered.host("all").publicPort();

      List<String> all = new ArrayList<>(ended);
      all.addAll(inFlight);
      Map<String, JsonObject> finals = new HashMap<>();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (String id : all) {
          JsonObject view = recovered.get(api, "/orders/" + id);
          if (!view.getString("status").equals("PENDING")) finals.put(id, view);
        }
        return finals.size() == all.size();
      });
      await().atMost(Duration.ofSeconds(60)).until(recovered::quiet);

      var endedEvents = recovered.subjectCounts(Topology.ORDERS, "orderflow.orders.ended.>");
      for (String id : all) assertThat(endedEvents.get("orderflow.orders.ended." + id)).as(id).isEqualTo(1L);
      for (String id : ended) assertThat(finals.get(id).getString("status")).as(id).isEqualTo("CONFIRMED");
      for (String id : inFlight) assertThat(finals.get(id).getString("reason")).as(id).isEqualTo("PAYMENT_TOKEN_EXPIRED");
      assertThat(recovered.get(recovered.pspPort, "/admin/ledger").getJsonObject("keys").fieldNames()).as("charges after the restore").isEmpty();
      JsonObject stock = recovered.get(api, "/inventory/SKU-A");
      assertThat(stock.getLong("reserved")).isZero();
      assertThat(stock.getLong("sold")).isEqualTo(10);
      assertThat(stock.getLong("available")).isEqualTo(990);

      AuditReader audit = AuditReader.read(recovered.nc);
      Set<String> published = new HashSet<>();
      for (String stream : List.of(Topology.ORDERS, Topology.INVENTORY, Topology.PAYMENTS, Topology.NOTIFICATIONS, Topology.SYSTEM)) {
        published.addAll(recovered.eventIds(stream));
      }
      assertThat(audit.duplicates()).isEmpty();
      assertThat(audit.eventIds()).isEqualTo(published);
      assertThat(recovered.get(api, "/audit/verify?full=true").getBoolean("verified")).isTrue();
      System.out.printf("recovery: backup of %d messages (%,d bytes) restored in %d ms; %d orders in flight ended once each after the restore%n",
          manifest.messages(), manifest.bytes(), report.elapsed().toMillis(), inFlight.size());
    }
  }

  private static boolean confirmed(OperationsBed bed, int api, List<String> ids) throws Exception {
    for (String id : ids) if (!bed.get(api, "/orders/" + id).getString("status").equals("CONFIRMED")) return false;
    return true;
  }

  private static boolean idle(OperationsBed bed, Topology.ConsumerSpec c) throws Exception {
    ConsumerInfo ci = bed.nc.jetStreamManagement().getConsumerInfo(c.stream(), c.durable());
    return ci.getNumPending() == 0 && ci.getNumAckPending() == 0;
  }
}
