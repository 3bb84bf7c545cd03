package io.orderflow.runtime;

import io.orderflow.runtime.http.ApiContract;
import io.orderflow.runtime.http.ManagementServer;
import io.orderflow.runtime.http.PublicApi;
import io.orderflow.runtime.http.Readiness;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.NatsConnector;
import io.orderflow.runtime.nats.NatsIdentities;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.telemetry.JetStreamGauges;
import io.nats.client.Connection;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the services of one process: one NATS connection per service, one public port shared by their
 * routes, one management port (health, readiness, metrics, DLQ admin). Stopping undeploys the services
 * (consumers stop pulling and settle in-flight messages), drains and closes the connections, then exports
 * the spans still buffered.
 */
public final class ServiceHost {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHost.class);
  /** Containers bind every interface and rely on network policies; {@code ./orderflow run} binds loopback. */
  public static final String ANY_HOST = "0.0.0.0";

  private final Telemetry telemetry;
  private final Vertx vertx;
  private final Settings settings;
  private final Readiness readiness = new Readiness();
  private final List<Connection> connections = new ArrayList<>();
  private final Lifecycle lifecycle;
  private PublicApi api;
  private io.vertx.core.http.HttpServer publicServer;
  private int publicPort = -1;
  private int managementPort = -1;
  /** The first service's bridge: the backlog gauges read the broker through it. */
  private JetStreamBridge adminBridge;
  /** The DLQ admin API's bridge: the ops identity's connection when configured, else {@link #adminBridge}. */
  private JetStreamBridge deadLetterBridge;
  private ApiContract contract;

  /** A host on the telemetry's Vert.x (which reports its HTTP metrics into the telemetry's registry). */
  public ServiceHost(Telemetry telemetry, Settings settings) {
    this.telemetry = telemetry;
    this.vertx = telemetry.vertx();
    this.settings = settings;
    this.lifecycle = new Lifecycle(vertx);
  }

  /** The whole shutdown's budget ({@code shutdown.timeout}, default 30 s). */
  public static java.time.Duration shutdownTimeout(Settings settings) {
    return settings.duration("shutdown.timeout", java.time.Duration.ofSeconds(30));
  }

  /** What the services' phases share: the budget less the public port's close (5 s) and the span export (3 s). */
  static java.time.Duration servicesBudget(Settings settings) {
    java.time.Duration rest = shutdownTimeout(settings).minusSeconds(8);
    return rest.compareTo(java.time.Duration.ofSeconds(3)) < 0 ? java.time.Duration.ofSeconds(3) : rest;
  }

  /** How long a consumer waits for its in-flight messages: within the consumers' phase ({@link Lifecycle}), with room to unpin. */
  public static java.time.Duration consumerDrainTimeout(Settings settings) {
    return Lifecycle.phase(servicesBudget(settings)).minusMillis(500);
  }

  public Future<ServiceHost> start(List<OrderflowService> services) {
    api = new PublicApi(vertx);
    ApiAuth auth;
    try {
      auth = ApiAuth.from(vertx, settings);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    String instance = telemetry.instanceId();
    // The contract first: every service's routes validate against it, and anyone may read it.
    Future<Void> chain = ApiContract.load(vertx).map(contract -> {
      this.contract = contract;
      contract.serve(api.router());
      return null;
    });
    for (OrderflowService service : services) {
      chain = chain.compose(v -> NatsConnector.connect(vertx, settings, service.name()).compose(nc -> {
        synchronized (connections) {
          connections.add(nc);
        }
        var serviceTelemetry = telemetry.service(service.name());
        var bridge = new JetStreamBridge(vertx, nc, serviceTelemetry);
        if (adminBridge == null) adminBridge = bridge; // the DLQ admin API uses the first service's connection
        var ctx = new ServiceContext(service.name(), vertx, settings, bridge, api.router(),
            readiness, service.name() + "@" + instance, lifecycle, auth, contract);
        int routesBefore = api.routeCount();
        return service.start(ctx).onSuccess(x -> {
          api.own(routesBefore, serviceTelemetry);
          LOG.info("{} started", service.name());
        });
      }));
    }
    var mgmt = new java.util.concurrent.atomic.AtomicReference<ManagementServer>();
    return chain
        .compose(v -> connectOps(services))
        .compose(v -> api.listen(vertx, settings.string("http.host", ANY_HOST), settings.port("http.port", 8080)))
        .compose(server -> {
          publicServer = server;
          publicPort = server.actualPort();
          List<io.orderflow.runtime.http.ManagementRoutes> extra = new ArrayList<>();
          for (OrderflowService service : services) extra.addAll(service.managementRoutes());
          mgmt.set(new ManagementServer(settings.string("mgmt.host", ANY_HOST), settings.port("mgmt.port", 9080), readiness, deadLetterBridge,
              telemetry.registry(), auth, settings, extra));
          return vertx.deployVerticle(mgmt.get());
        })
        .compose(id -> adminBridge == null ? Future.succeededFuture(id) : vertx.deployVerticle(new JetStreamGauges(adminBridge,
            readiness, telemetry.registry(), settings.duration("metrics.interval", java.time.Duration.ofSeconds(5)))))
        .map(id -> {
          managementPort = mgmt.get().actualPort();
          LOG.info("public API on {}:{}, management on {}:{}", settings.string("http.host", ANY_HOST), publicPort,
              settings.string("mgmt.host", ANY_HOST), managementPort);
          return this;
        });
  }

  /**
   * Replaying and deleting dead letters are operator actions: with the ops identity's credentials configured
   * ({@code nats.ops.password} or {@code nats.ops.credentials}) the DLQ admin API uses a connection of its own
   * as ops, whose permissions allow them; a service identity may replay only to its own consumers. Without
   * them it uses the first service's connection when the services connect without credentials (a server without
   * per-identity permissions); with credentials but no ops password, the API is off (the server would refuse it).
   */
  private Future<Void> connectOps(List<OrderflowService> services) {
    boolean secured = services.stream().anyMatch(s -> NatsIdentities.configured(settings, s.name()));
    boolean ops = NatsIdentities.configured(settings, NatsIdentities.OPS);
    deadLetterBridge = secured && !ops ? null : adminBridge;
    if (adminBridge == null || !ops) return Future.succeededFuture();
    return NatsConnector.connect(vertx, settings, NatsIdentities.OPS).map(nc -> {
      synchronized (connections) {
        connections.add(nc);
      }
      deadLetterBridge = new JetStreamBridge(vertx, nc, adminBridge.telemetry());
      return null;
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
   * Readiness off, the public port closed, consumers stopped and settled (pins given up), services' stop steps
   * given up), remaining verticles stopped, connections drained: each phase bounded.
   */
  public Future<Void> stop() {
    readiness.draining();
    java.time.Duration budget = shutdownTimeout(settings);
    // Graceful: no new connections, requests in flight may finish (a 202 is never cut off).
    Future<Void> closed = publicServer == null ? Future.succeededFuture() : publicServer.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
    // The public port (5 s) and the span export (3 s) come out of the budget; the rest is the services'.
    return closed.transform(ar -> lifecycle.stop(servicesBudget(settings)))
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
        }))
        // Bounded: a collector that is down must not hold the shutdown; its spans are lost, not the process.
        .transform(ar -> telemetry.flush().timeout(3, java.util.concurrent.TimeUnit.SECONDS)
            .recover(e -> {
              LOG.warn("spans not exported at shutdown: {}", e.toString());
              return Future.succeededFuture();
            }));
  }
}
