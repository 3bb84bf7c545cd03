package io.orderflow.app;

import io.orderflow.launcher.Services;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Service hosts of a test, each with its own Vert.x and NATS connections, like separate processes. */
final class ServiceHosts implements AutoCloseable {
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Vertx> vertxes = new ArrayList<>();

  /** Starts a host running the named services with these settings, on free ports. */
  ServiceHost start(Map<String, String> settings, String services) throws Exception {
    Map<String, String> s = new HashMap<>(settings);
    s.put("ORDERFLOW_HTTP_PORT", "0");
    s.put("ORDERFLOW_MGMT_PORT", "0");
    Telemetry telemetry = Telemetry.create(Settings.of(s));
    ServiceHost host = new ServiceHost(telemetry, Settings.of(s));
    host.start(Services.parse(services)).await(60, TimeUnit.SECONDS);
    vertxes.add(telemetry.vertx());
    hosts.add(host);
    return host;
  }

  /** Stops one host the way SIGTERM would (graceful: leases are given up). */
  void stop(ServiceHost host) throws Exception {
    int i = hosts.indexOf(host);
    host.stop().await(40, TimeUnit.SECONDS);
    vertxes.get(i).close().await(10, TimeUnit.SECONDS);
    hosts.remove(i);
    vertxes.remove(i);
  }

  /** Stops every host, the last started first; a host that does not stop in time dumps the threads (what hangs). */
  @Override
  public void close() throws Exception {
    for (int i = hosts.size() - 1; i >= 0; i--) {
      try {
        hosts.get(i).stop().await(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        Thread.getAllStackTraces().forEach((t, st) -> {
          System.out.println("THREAD " + t.getName());
          for (var f : st) System.out.println("    " + f);
        });
        throw e;
      }
      vertxes.get(i).close().await(10, TimeUnit.SECONDS);
    }
  }
}
