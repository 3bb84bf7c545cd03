package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.ChargeProcessor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for an external payment gateway (Stripe-like), served over HTTP.
 *
 * <p>All state lives in this instance and is touched only from its event loop, which is what guarantees that
 * concurrent requests with one idempotency key charge at most once: deploy exactly one instance.
 *
 * <p>{@code POST /admin/faults} makes the {@code /v1} API misbehave on purpose (down, slow, flaky, charging
 * without answering, forgetting idempotency keys), so that clients can be tested against a failing gateway.
 */
public final class PspSimVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PspSimVerticle.class);
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final String host;
  private final int port;
  private final AdminGuard adminGuard;
  private final ChargeProcessor processor = new ChargeProcessor();
  private volatile int actualPort = -1;

  /**
   * @param port the port to listen on; 0 picks a free one, see {@link #actualPort()}
   * @param adminSecret what {@code /admin/*} requests must present as a bearer token; null or blank: admin off
   */
  public PspSimVerticle(int port, String adminSecret) {
    this("0.0.0.0", port, adminSecret);
  }

  /** @param host the address to bind: loopback for a local run, every interface in a container */
  public PspSimVerticle(String host, int port, String adminSecret) {
    this.host = host;
    this.adminGuard = new AdminGuard(adminSecret);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("psp-sim port must be between 0 and 65535, was " + port);
    }
    this.port = port;
  }

  /** Deploys one instance on {@code port}; completes with the deployment id once the server listens. */
  public static Future<String> deploy(Vertx vertx, int port, String adminSecret) {
    return vertx.deployVerticle(new PspSimVerticle(port, adminSecret));
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(router())
        .listen(port, host)
        .onSuccess(server -> {
          actualPort = server.actualPort();
          log.info("psp-sim listening on port {}{}", actualPort, adminGuard.enabled() ? "" : "; /admin/* off (no psp.admin-secret)");
        });
  }

  /** The port the server is bound to; differs from the requested one when that was 0. */
  public int actualPort() {
    if (actualPort < 0) {
      throw new IllegalStateException("psp-sim is not listening yet: wait for its deployment to complete");
    }
    return actualPort;
  }

  private Router router() {
    FaultInjector faults = new FaultInjector(vertx);
    ChargeRoutes charges = new ChargeRoutes(processor, faults);
    VoidRoutes voids = new VoidRoutes(processor, faults);
    FaultRoutes faultRoutes = new FaultRoutes(faults);
    AdminRoutes admin = new AdminRoutes(processor, faults);
    BodyHandler body = BodyHandler.create().setBodyLimit(MAX_BODY_BYTES);
    Router router = Router.router(vertx);
    router.post("/v1/charges").handler(body).handler(charges::create);
    router.get("/v1/charges").handler(charges::findByIdempotencyKey);
    router.post("/v1/charges/:chargeId/void").handler(voids::voidCharge);
    router.route("/admin/*").handler(adminGuard::check);
    router.get("/admin/faults").handler(faultRoutes::show);
    router.post("/admin/faults").handler(body).handler(faultRoutes::configure);
    router.get("/admin/ledger").handler(admin::ledger);
    router.delete("/admin/ledger").handler(admin::reset);
    router.get("/health").handler(admin::health);
    router.route().failureHandler(Problem::renderFailure);
    router.errorHandler(404, Problem::renderFailure);
    router.errorHandler(405, Problem::renderFailure);
    return router;
  }
}
