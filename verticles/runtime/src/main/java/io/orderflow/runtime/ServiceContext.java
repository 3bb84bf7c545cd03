package io.orderflow.runtime;

import io.orderflow.runtime.http.ApiContract;
import io.orderflow.runtime.http.Readiness;
import io.orderflow.runtime.messaging.ConsumerRunner;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.deadletter.DeadLetterDeliveries;
import io.orderflow.runtime.deadletter.DeadLetterHandler;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.security.JwtKeys;
import io.orderflow.runtime.telemetry.ServiceTelemetry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the shared runtime gives one service: its own NATS bridge, settings, the public router, readiness. */
public final class ServiceContext {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceContext.class);

  private final String service;
  private final Vertx vertx;
  private final Settings settings;
  private final JetStreamBridge bridge;
  private final Router publicRouter;
  private final Readiness readiness;
  private final String instanceId;
  private final Lifecycle lifecycle;
  private final ApiAuth auth;
  private final ApiContract contract;

  ServiceContext(String service, Vertx vertx, Settings settings, JetStreamBridge bridge, Router publicRouter,
                 Readiness readiness, String instanceId, Lifecycle lifecycle, ApiAuth auth, ApiContract contract) {
    this.auth = auth;
    this.contract = contract;
    this.service = service;
    this.vertx = vertx;
    this.settings = settings;
    this.bridge = bridge;
    this.publicRouter = publicRouter;
    this.readiness = readiness;
    this.instanceId = instanceId;
    this.lifecycle = lifecycle;
  }

  /** A context outside a {@link ServiceHost}: for tests that start one service on their own (from a test thread: it waits for the contract). */
  public static ServiceContext standalone(String service, Vertx vertx, Settings settings, JetStreamBridge bridge,
                                          Router publicRouter) {
    return new ServiceContext(service, vertx, settings, bridge, publicRouter, new Readiness(), service + "@test",
        new Lifecycle(vertx), JwtKeys.configured(settings) ? ApiAuth.from(vertx, settings) : ApiAuth.refusingAll(vertx),
        ApiContract.load(vertx).await());
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

  /** Who may call the public routes: {@code router.get(...).handler(ctx.auth().require(Role.ADMIN))}. */
  public ApiAuth auth() {
    return auth;
  }

  /** The public API's contract: {@code router.post(...).handler(ctx.contract().validate("placeOrder"))}. */
  public ApiContract contract() {
    return contract;
  }

  public Router publicRouter() {
    return publicRouter;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** Unique per service instance (process, service, random suffix): single writers name their blocks with it. */
  public String instanceId() {
    return instanceId;
  }

  /** Deploys a consumer runner on a worker context: JetStream handling never runs on an event loop. */
  public Future<ConsumerRunner> consume(Topology.ConsumerSpec spec, EventHandler handler) {
    return deploy(ConsumerRunner.forEvents(bridge, spec, ConsumerRunner.Options.from(settings), handler));
  }

  /** Follows a consumer of the DLQ stream, like {@link #consume} for events. */
  public Future<ConsumerRunner> consumeDeadLetters(Topology.ConsumerSpec spec, DeadLetterHandler handler) {
    return deploy(DeadLetterDeliveries.runner(bridge, spec, ConsumerRunner.Options.from(settings), handler));
  }

  /**
   * The single-writer services (inventory's ledger, audit's chain): their consumers are pinned
   * ({@link Topology.ConsumerSpec#pinnedGroup}), so the server delivers each one's messages to one instance
   * at a time (usually the same for all; the writes' sequence fence keeps two writers correct when not). An
   * instance starts pulling only once {@code caughtUp} says it has folded its log, so it never writes from a
   * stale state; until then it only serves reads. Returns at once; the consumers start in the background.
   */
  public Future<Void> consumeOnceCaughtUp(BooleanSupplier caughtUp, List<Topology.ConsumerSpec> specs, EventHandler handler) {
    for (var spec : specs) {
      if (!spec.pinned()) throw new IllegalArgumentException(spec.durable() + " is not a pinned (single-writer) consumer");
    }
    Promise<Void> ready = Promise.promise();
    var stopping = new java.util.concurrent.atomic.AtomicBoolean();
    long timer = vertx.setPeriodic(0, 100, id -> {
      if (caughtUp.getAsBoolean()) {
        vertx.cancelTimer(id);
        ready.tryComplete();
      }
    });
    lifecycle.onStop(() -> {
      stopping.set(true);
      vertx.cancelTimer(timer);
      return Future.succeededFuture();
    });
    // Started in the background, so retried until it runs: the broker may be out at that moment.
    ready.future().onSuccess(v -> specs.forEach(spec -> Backoff.STARTS.retry(vertx, () -> consume(spec, handler), () -> !stopping.get(),
        (e, delay) -> LOG.warn("{}: consumer not started ({}), again in {} ms", spec.durable(), e.toString(), delay.toMillis()))));
    return Future.succeededFuture();
  }

  private Future<ConsumerRunner> deploy(ConsumerRunner runner) {
    Future<String> d = vertx.deployVerticle(runner, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    lifecycle.consumer(d);
    return d.map(id -> runner);
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
