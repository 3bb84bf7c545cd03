package io.orderflow.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code run} listens: fixed, documented ports (the README's table), each movable by a variable. Service
 * {@code s} (0 = orders ... 4 = audit) of instance {@code k} (0 = the first) has its public API on
 * {@code ORDERFLOW_HTTP_PORT + s + 100 k} and its management port on {@code ORDERFLOW_MGMT_PORT + s + 100 k};
 * NATS node {@code n} has client, monitoring and cluster ports {@code base + n}.
 */
record RunPorts(int http, int mgmt, int nats, int natsMonitor, int natsCluster, int psp, int smtp) {
  static RunPorts fromEnvironment() {
    return new RunPorts(port("ORDERFLOW_HTTP_PORT", 8080), port("ORDERFLOW_MGMT_PORT", 9080), port("ORDERFLOW_NATS_PORT", 14222),
        port("ORDERFLOW_NATS_MONITOR_PORT", 18222), port("ORDERFLOW_NATS_CLUSTER_PORT", 16222), port("ORDERFLOW_PSP_PORT", 8090),
        port("ORDERFLOW_SMTP_PORT", 2525));
  }

  /** One service process of a run: its log and pid name, what {@code service} runs, its ports. */
  record Unit(String name, String services, int http, int mgmt) {}

  /** The service processes: one for all five, or one per service; {@code instances} of each. */
  List<Unit> units(boolean split, int instances) {
    List<Unit> out = new ArrayList<>();
    for (int k = 0; k < instances; k++) {
      String suffix = k == 0 ? "" : "-" + (k + 1);
      if (!split) {
        out.add(new Unit("services" + suffix, "all", http + 100 * k, mgmt + 100 * k));
        continue;
      }
      for (int s = 0; s < Deployment.SERVICES.size(); s++) {
        out.add(new Unit(Deployment.SERVICES.get(s) + suffix, Deployment.SERVICES.get(s), http + s + 100 * k, mgmt + s + 100 * k));
      }
    }
    return out;
  }

  private static int port(String variable, int dflt) {
    String v = System.getenv(variable);
    if (v == null || v.isBlank()) return dflt;
    try {
      int p = Integer.parseInt(v.trim());
      if (p >= 1 && p <= 65535) return p;
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(variable + "=" + v + " is not a port number (1-65535)");
  }
}
