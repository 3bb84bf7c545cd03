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
  private PublicApi api;
  private int publicPort = -1;
  private int managementPort = -1;

  public ServiceHost(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
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
        var ctx = new ServiceContext(service.name(), vertx, settings, new JetStreamBridge(vertx, nc), api.router(),
            readiness, service.name() + "@" + instance);
        return service.start(ctx).onSuccess(x -> LOG.info("{} started", service.name()));
      }));
    }
    ManagementServer mgmt = new ManagementServer(settings.port("mgmt.port", 9080), readiness);
    return chain
        .compose(v -> api.listen(vertx, settings.port("http.port", 8080)))
        .compose(server -> {
          publicPort = server.actualPort();
          return vertx.deployVerticle(mgmt);
        })
        .map(id -> {
          managementPort = mgmt.actualPort();
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

  /** Readiness off, verticles undeployed (consumers settle in-flight work), connections drained. */
  public Future<Void> stop() {
    readiness.draining();
    List<Future<?>> undeploys = new ArrayList<>();
    long bound = settings.duration("shutdown.timeout", java.time.Duration.ofSeconds(30)).toMillis();
    for (String id : vertx.deploymentIDs()) {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      vertx.undeploy(id).onComplete(ar -> done.tryComplete());
      long timer = vertx.setTimer(bound, t -> {
        if (done.tryComplete()) LOG.warn("deployment {} did not stop within {} ms", id, bound);
      });
      undeploys.add(done.future().onComplete(ar -> vertx.cancelTimer(timer)));
    }
    return Future.join(undeploys).transform(ar -> vertx.executeBlocking(() -> {
      LOG.info("services stopped; draining {} NATS connection(s)", connections.size());
      synchronized (connections) {
        for (Connection nc : connections) {
          try {
            if (!nc.drain(java.time.Duration.ofSeconds(5)).get()) nc.close();
          } catch (Exception e) {
            nc.close();
          }
        }
      }
      return null;
    }));
  }
}
