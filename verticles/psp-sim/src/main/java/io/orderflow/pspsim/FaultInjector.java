package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.FaultDecision;
import io.orderflow.pspsim.domain.FaultPolicy;
import io.orderflow.pspsim.domain.FaultSettings;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the current {@link FaultPolicy} to {@code /v1/*} requests: refuses them, or does their work and
 * then sends, delays or withholds the reply. Confined to the verticle's event loop.
 */
final class FaultInjector {

  static final String RETRY_AFTER_SECONDS = "1";

  private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

  private final Vertx vertx;
  private final Set<RoutingContext> held = new LinkedHashSet<>();
  private FaultPolicy policy = new FaultPolicy(FaultSettings.NONE);

  FaultInjector(Vertx vertx) {
    this.vertx = vertx;
  }

  FaultSettings settings() {
    return policy.settings();
  }

  boolean honoursIdempotencyKey() {
    return policy.honoursIdempotencyKey();
  }

  /** Replaces the policy (restarting its random sequence); held requests are let go unless it still withholds. */
  void configure(FaultSettings settings) {
    policy = new FaultPolicy(settings);
    log.info("fault settings now {}", settings);
    if (!policy.withholds()) {
      releaseHeld();
    }
  }

  void reset() {
    configure(FaultSettings.NONE);
  }

  void apply(RoutingContext ctx, FaultPolicy.Operation operation, Supplier<Reply> work) {
    apply(ctx, operation, work, () -> {});
  }

  /** Does {@code work} unless the policy refuses the request (then {@code onRefused} runs), and sends its reply. */
  void apply(RoutingContext ctx, FaultPolicy.Operation operation, Supplier<Reply> work, Runnable onRefused) {
    switch (policy.decide(operation)) {
      case FaultDecision.Refuse refuse -> {
        onRefused.run();
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
        Problem.unavailable(policy.settings().mode()).send(ctx);
      }
      case FaultDecision.Respond(long delayMs) -> respond(ctx, work.get(), delayMs);
      case FaultDecision.Withhold withhold -> hold(ctx, work.get());
    }
  }

  private void respond(RoutingContext ctx, Reply reply, long delayMs) {
    if (delayMs == 0) {
      reply.send(ctx);
      return;
    }
    vertx.setTimer(delayMs, timer -> {
      if (!ctx.response().closed()) { // a client that gave up has closed its connection
        reply.send(ctx);
      }
    });
  }

  /** Keeps the request open without answering; its reply is dropped, as a gateway that crashed after the work. */
  private void hold(RoutingContext ctx, Reply dropped) {
    held.add(ctx);
    ctx.response().closeHandler(closed -> held.remove(ctx));
    log.debug("withholding the answer to {} {} ({} held)", ctx.request().method(), ctx.request().uri(), held.size());
  }

  /** Resets held requests' connections, so that neither this server nor its clients keep them forever. */
  private void releaseHeld() {
    if (held.isEmpty()) {
      return;
    }
    List<RoutingContext> released = new ArrayList<>(held);
    held.clear();
    released.forEach(ctx -> ctx.response().reset());
    log.info("released {} withheld requests by resetting them", released.size());
  }
}
