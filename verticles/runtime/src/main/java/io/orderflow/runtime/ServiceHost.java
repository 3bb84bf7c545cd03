package io.orderflow.runtime;

import io.nats.client.Connection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the services of one process: one NATS connection per service, one public port shared by their
 * routes, one management port. Stopping undeploys the services (consumers stop pulling and settle
 * in-flight messages), then drains and closes the connections.
 */
public final class ServiceHost {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHost.class);

  private final Vertx vertx;
  private final Settings settings;
  private final Readiness readiness = new Readiness();
  private final List<Connection> connections = new ArrayList<>();
  private final Lifecycle lifecycle;
  private PublicApi api;
  private io.vertx.core.http.HttpServer publicServer;
  private int publicPort = -1;
  private int managementPort = -1;
  private JetStreamBridge adminBridge;

  public ServiceHost(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.lifecycle = new Lifecycle(vertx);
  }

  /** The whole shutdown's budget ({@code shutdown.timeout}, default 30 s). */
  public static java.time.Duration shutdownTimeout(Settings settings) {
    return settings.duration("shutdown.timeout", java.time.Duration.ofSeconds(30));
  }

  public Future<ServiceHost> start(List<OrderflowService> services) {
    api = new PublicApi(vertx);
    // Unique per host, also when tests run several hosts in one JVM: leases are keyed by it.
    String instance = settings.string("instance.id", ManagementFactory.getRuntimeMXBean().getName())
        + "-" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
    Future<Void> chain = Future.succeededFuture();
    for (OrderflowService service : services) {
      chain = chain.compose(v -> NatsConnector.connect(vertx, settings, service.name()).compose(nc -> {
        synchronized (connections) {
          connections.add(nc);
        }
        var bridge = new JetStreamBridge(vertx, nc);
        if (adminBridge == null) adminBridge = bridge; // the DLQ admin API uses the first service's connection
        var ctx = new ServiceContext(service.name(), vertx, settings, bridge, api.router(),
            readiness, service.name() + "@" + instance, lifecycle);
        return service.start(ctx).onSuccess(x -> LOG.info("{} started", service.name()));
      }));
    }
    var mgmt = new java.util.concurrent.atomic.AtomicReference<ManagementServer>();
    return chain
        .compose(v -> api.listen(vertx, settings.port("http.port", 8080)))
        .compose(server -> {
          publicServer = server;
          publicPort = server.actualPort();
          mgmt.set(new ManagementServer(settings.port("mgmt.port", 9080), readiness, adminBridge));
          return vertx.deployVerticle(mgmt.get());
        })
        .map(id -> {
          managementPort = mgmt.get().actualPort();
          LOG.info("public API on :{}, management on :{}", publicPort, managementPort);
          return this;
        });
  }

  public int publicPort() {
    return publicPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public Readiness readiness() {
    return readiness;
  }

  /**
   * Readiness off, the public port closed, consumers stopped and settled, services' stop steps (leases
   * given up), remaining verticles stopped, connections drained: each phase bounded.
   */
  public Future<Void> stop() {
    readiness.draining();
    java.time.Duration budget = shutdownTimeout(settings);
    // Graceful: no new connections, requests in flight may finish (a 202 is never cut off).
    Future<Void> closed = publicServer == null ? Future.succeededFuture() : publicServer.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
    return closed.transform(ar -> lifecycle.stop(budget.minusSeconds(5)))
        .transform(ar -> vertx.executeBlocking(() -> {
          List<java.util.concurrent.CompletableFuture<Boolean>> drains = new ArrayList<>();
          synchronized (connections) {
            LOG.info("services stopped; draining {} NATS connection(s)", connections.size());
            for (Connection nc : connections) {
              try {
                drains.add(nc.drain(java.time.Duration.ofSeconds(4)));
              } catch (Exception e) {
                nc.close();
              }
            }
          }
          for (var d : drains) {
            try {
              d.get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
              // a drain that did not finish: the connection is closed below
            }
          }
          synchronized (connections) {
            for (Connection nc : connections) nc.close();
          }
          return null;
        }));
  }
}
