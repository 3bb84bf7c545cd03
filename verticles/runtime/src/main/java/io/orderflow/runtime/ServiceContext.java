package io.orderflow.runtime;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;

/** What the shared runtime gives one service: its own NATS bridge, settings, the public router, readiness. */
public record ServiceContext(String service, Vertx vertx, Settings settings, JetStreamBridge bridge,
                             Router publicRouter, Readiness readiness, String instanceId) {

  /** Deploys a consumer runner on a worker context: JetStream handling never runs on an event loop. */
  public Future<String> consume(Topology.ConsumerSpec spec, EventHandler handler) {
    return vertx.deployVerticle(new ConsumerRunner(bridge, spec, ConsumerRunner.Options.from(settings), handler),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  /** Declares what must exist for this service to be ready. */
  public void requires(List<String> streams, List<Topology.ConsumerSpec> consumers, List<Topology.BucketSpec> buckets) {
    readiness.addJetStream(service, bridge, streams, consumers, buckets);
  }
}
