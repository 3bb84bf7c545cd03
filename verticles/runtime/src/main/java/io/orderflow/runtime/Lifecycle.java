package io.orderflow.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process must stop, in order: consumers first (they stop pulling and settle what is in flight,
 * while the writers they depend on still run, and give up their pins), then the services' own stop steps,
 * then everything else. Each step is bounded so a stuck part cannot hold the process.
 */
final class Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private final Vertx vertx;
  private final List<Future<String>> consumers = new ArrayList<>();
  private final List<Supplier<Future<?>>> stopSteps = new ArrayList<>();

  Lifecycle(Vertx vertx) {
    this.vertx = vertx;
  }

  synchronized void consumer(Future<String> deployment) {
    consumers.add(deployment);
  }

  synchronized void onStop(Supplier<Future<?>> step) {
    stopSteps.add(step);
  }

  Future<Void> stop(Duration budget) {
    List<Future<String>> runners;
    List<Supplier<Future<?>>> steps;
    synchronized (this) {
      runners = List.copyOf(consumers);
      steps = List.copyOf(stopSteps);
    }
    long third = phase(budget).toMillis();
    List<Future<?>> first = new ArrayList<>();
    for (Future<String> d : runners) first.add(d.compose(vertx::undeploy));
    return bounded(first, third, "consumers")
        .compose(v -> {
          List<Future<?>> second = new ArrayList<>();
          for (var step : steps) second.add(step.get());
          return bounded(second, third, "service stop steps");
        })
        .compose(v -> {
          List<Future<?>> rest = new ArrayList<>();
          for (String id : vertx.deploymentIDs()) rest.add(vertx.undeploy(id));
          return bounded(rest, third, "verticles");
        });
  }

  /** Each of the three phases' share of the budget. */
  static Duration phase(Duration budget) {
    return Duration.ofMillis(Math.max(1000, budget.toMillis() / 3));
  }

  private Future<Void> bounded(List<Future<?>> parts, long millis, String what) {
    return Future.join(parts).transform(ar -> Future.<Void>succeededFuture())
        .timeout(millis, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warn("{} did not stop within {} ms: {}", what, millis, e.toString());
          return Future.succeededFuture();
        });
  }
}
