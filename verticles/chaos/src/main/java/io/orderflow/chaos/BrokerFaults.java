package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Faults of the broker: a single node killed and restarted on its storage, a cluster node lost, a hot SKU on R3. */
final class BrokerFaults {
  private BrokerFaults() {}

  /** kill -9 nats-server under load, restart it on the same storage; services reconnect on their own. */
  static void natsRestart(Run r) throws Exception {
    r.standardStart(Deployment.Spec.standard());
    r.awaitInFlight(Topology.PAYMENTS_RESERVED, Duration.ofSeconds(60));
    NatsNodes.Node node = r.d.nats.nodes.getFirst();
    node.proc().kill();
    r.during(Duration.ofSeconds(r.t.isShort() ? 10 : 30));
    node.proc().start();
    r.d.nats.awaitHealthy(node, Duration.ofSeconds(60));
    r.healed();
    r.during(r.t.afterHeal());
    r.finish();
  }

  /** Three nodes, R3: the ORDERS stream's leader is killed under load and brought back; replicas converge. */
  static void clusterNodeLoss(Run r) throws Exception {
    r.standardStart(Deployment.Spec.standard().nodes(3));
    r.awaitInFlight(Topology.PAYMENTS_RESERVED, Duration.ofSeconds(60));
    String leader = r.broker.streamLeader(Topology.ORDERS);
    NatsNodes.Node node = r.d.nats.node(leader);
    r.out.note("killed " + leader + ", leader of ORDERS");
    node.proc().kill();
    r.during(r.t.outage());
    node.proc().start();
    r.d.nats.awaitHealthy(node, Duration.ofSeconds(120));
    r.healed();
    r.during(r.t.afterHeal());
    r.finish();
    replicasAgree(r);
  }

  /** Every node's replica of every stream holds the same messages (count, first and last sequence). */
  static void replicasAgree(Run r) throws Exception {
    Map<String, Map<String, String>> last = new LinkedHashMap<>();
    try {
      Wait.until("replicas agree", Duration.ofSeconds(60), Duration.ofSeconds(1), () -> {
        last.clear();
        for (NatsNodes.Node n : r.d.nats.nodes) last.put(n.name(), r.d.nats.replicaState(n));
        return last.values().stream().distinct().count() == 1 && !last.values().iterator().next().isEmpty();
      });
    } catch (Wait.TimedOut e) {
      r.out.fail("replicas differ after recovery: " + last);
    }
  }

  /** Three nodes, two inventory instances: 200 one-unit orders for a SKU with 20 in stock, three times. */
  static void hotSku(Run r) throws Exception {
    r.stockMayRunOut = true;
    r.deploy(Deployment.Spec.standard().nodes(3).instances("inventory", 2));
    Map<String, Integer> hot = new LinkedHashMap<>();
    for (int round = 1; round <= 3; round++) hot.put("HOT-" + round, 20);
    r.stock(hot);
    for (String sku : hot.keySet()) {
      LoadGenerator load = r.startLoad(Math.max(40, r.t.rate()), 200, n -> new LoadGenerator.OrderSpec("c-" + (n % 17), Map.of(sku, 1), Run.VISA));
      Wait.until(sku + ": 200 orders submitted", Duration.ofSeconds(60), () -> load.created() >= 200);
      load.awaitSettled(r.t.clientRetry());
    }
    Invariants inv = r.finish();
    for (String sku : hot.keySet()) {
      long confirmed = r.orders().stream().filter(o -> o.orderId != null && o.spec.items().containsKey(sku))
          .map(o -> inv.view(o.orderId)).filter(v -> v != null && "CONFIRMED".equals(v.getString("status"))).count();
      r.out.check(confirmed == 20, sku + ": " + confirmed + " of 200 orders confirmed for 20 in stock (exactly 20 expected)");
    }
    replicasAgree(r);
  }
}
