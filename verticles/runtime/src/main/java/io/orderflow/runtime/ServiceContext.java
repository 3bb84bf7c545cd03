package io.orderflow.runtime;

import io.orderflow.runtime.http.Readiness;
import io.orderflow.runtime.messaging.ConsumerRunner;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Lease;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.telemetry.ServiceTelemetry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the shared runtime gives one service: its own NATS bridge, settings, the public router, readiness. */
public final class ServiceContext {
  private final String service;
  private final Vertx vertx;
  private final Settings settings;
  private final JetStreamBridge bridge;
  private final Router publicRouter;
  private final Readiness readiness;
  private final String instanceId;
  private final Lifecycle lifecycle;

  ServiceContext(String service, Vertx vertx, Settings settings, JetStreamBridge bridge, Router publicRouter,
                 Readiness readiness, String instanceId, Lifecycle lifecycle) {
    this.service = service;
    this.vertx = vertx;
    this.settings = settings;
    this.bridge = bridge;
    this.publicRouter = publicRouter;
    this.readiness = readiness;
    this.instanceId = instanceId;
    this.lifecycle = lifecycle;
  }

  /** A context outside a {@link ServiceHost}: for tests that start one service on their own. */
  public static ServiceContext standalone(String service, Vertx vertx, Settings settings, JetStreamBridge bridge,
                                          Router publicRouter) {
    return new ServiceContext(service, vertx, settings, bridge, publicRouter, new Readiness(), service + "@test",
        new Lifecycle(vertx));
  }

  public String service() {
    return service;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Settings settings() {
    return settings;
  }

  public JetStreamBridge bridge() {
    return bridge;
  }

  /** This service's tracer and the process's meter registry. */
  public ServiceTelemetry telemetry() {
    return bridge.telemetry();
  }

  public Router publicRouter() {
    return publicRouter;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** Unique per service instance (process, service, random suffix): lease holders are named by it. */
  public String instanceId() {
    return instanceId;
  }

  /** Deploys a consumer runner on a worker context: JetStream handling never runs on an event loop. */
  public Future<String> consume(Topology.ConsumerSpec spec, EventHandler handler) {
    Future<String> d = vertx.deployVerticle(new ConsumerRunner(bridge, spec, ConsumerRunner.Options.from(settings), handler),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    lifecycle.consumer(d);
    return d;
  }

  /** Like {@link #consume}, but hands back the runner so the service can pause and resume it. */
  public Future<ConsumerRunner> runner(Topology.ConsumerSpec spec, EventHandler handler) {
    ConsumerRunner runner = new ConsumerRunner(bridge, spec, ConsumerRunner.Options.from(settings), handler);
    Future<String> d = vertx.deployVerticle(runner, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    lifecycle.consumer(d);
    return d.map(id -> runner);
  }

  /**
   * Runs consumers only while this instance holds the named lease: the single-writer services. The lease
   * is asked for only when {@code mayLead} says the instance is ready, and given up on shutdown after the
   * consumers stopped, so a standby takes over at once.
   */
  public Future<Void> consumeWhileLeading(String leaseName, BooleanSupplier mayLead, List<Topology.ConsumerSpec> specs,
                                          EventHandler handler) {
    List<Future<String>> running = new ArrayList<>();
    Lease lease = new Lease(bridge, leaseName, instanceId, mayLead, held -> {
      if (held) {
        for (var spec : specs) running.add(consume(spec, handler));
      } else {
        for (var d : running) d.compose(vertx::undeploy);
        running.clear();
      }
    });
    Future<String> deployed = vertx.deployVerticle(lease);
    lifecycle.onStop(() -> deployed.compose(vertx::undeploy));
    return deployed.mapEmpty();
  }

  /** A step to run on shutdown, after the consumers stopped and before the remaining verticles stop. */
  public void onStop(Supplier<Future<?>> step) {
    lifecycle.onStop(step);
  }

  /** Declares what must exist for this service to be ready. */
  public void requires(List<String> streams, List<Topology.ConsumerSpec> consumers, List<Topology.BucketSpec> buckets) {
    readiness.addJetStream(service, bridge, streams, consumers, buckets);
  }
}
