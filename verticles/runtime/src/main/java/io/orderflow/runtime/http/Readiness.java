package io.orderflow.runtime.http;

import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What {@code /ready} checks for the services of one process: each service's connection is up, its
 * streams, consumers and buckets exist, and the process is not draining.
 */
public final class Readiness {
  public record Check(String name, java.util.function.Supplier<Future<Void>> probe) {}

  private final List<Check> checks = new CopyOnWriteArrayList<>();
  private final List<Topology.ConsumerSpec> consumers = new CopyOnWriteArrayList<>();
  private volatile boolean draining;

  public void add(String name, java.util.function.Supplier<Future<Void>> probe) {
    checks.add(new Check(name, probe));
  }

  /** Registers the standard checks for a service: connection state and presence of its JetStream resources. */
  public void addJetStream(String service, JetStreamBridge bridge, List<String> streams,
                           List<Topology.ConsumerSpec> consumers, List<Topology.BucketSpec> buckets) {
    for (Topology.ConsumerSpec c : consumers) if (!this.consumers.contains(c)) this.consumers.add(c);
    add(service + ":nats", () -> bridge.connection().getStatus() == Connection.Status.CONNECTED
        ? Future.succeededFuture() : Future.failedFuture("NATS connection " + bridge.connection().getStatus()));
    add(service + ":jetstream", () -> bridge.blocking(() -> {
      var jsm = bridge.management();
      for (String s : streams) present("stream " + s, () -> jsm.getStreamInfo(s));
      for (Topology.ConsumerSpec c : consumers) present("consumer " + c.durable(), () -> jsm.getConsumerInfo(c.stream(), c.durable()));
      for (Topology.BucketSpec b : buckets) present("bucket " + b.name(), () -> jsm.getStreamInfo(Topology.kvStream(b)));
      return null;
    }));
  }

  /** The consumers the services of this process need: the ones whose backlog it reports. */
  public List<Topology.ConsumerSpec> consumers() {
    return List.copyOf(consumers);
  }

  public void draining() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  /** Completes with the failed checks' messages; empty means ready. */
  public Future<List<String>> evaluate() {
    List<Future<Void>> results = new ArrayList<>();
    for (Check c : checks) results.add(c.probe().get().recover(e -> Future.failedFuture(c.name() + ": " + e.getMessage())));
    return Future.join(results).transform(ar -> {
      List<String> failures = new ArrayList<>();
      if (draining) failures.add("draining");
      for (Future<Void> f : results) if (f.failed()) failures.add(f.cause().getMessage());
      return Future.succeededFuture(failures);
    });
  }

  interface Lookup {
    Object get() throws java.io.IOException, JetStreamApiException;
  }

  private static void present(String what, Lookup lookup) throws Exception {
    try {
      lookup.get();
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(what + " missing (" + e.getErrorDescription() + ")");
    }
  }
}
