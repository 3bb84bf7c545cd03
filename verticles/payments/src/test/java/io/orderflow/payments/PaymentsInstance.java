package io.orderflow.payments;

import io.nats.client.Connection;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * One payments instance on a Vert.x and a NATS connection of its own, so that a test can stop it as a
 * process stops (its consumers stop, its in-memory state is gone) and start a fresh one.
 */
final class PaymentsInstance implements AutoCloseable {
  private final Vertx vertx;
  private final Connection nc;

  private PaymentsInstance(Vertx vertx, Connection nc) {
    this.vertx = vertx;
    this.nc = nc;
  }

  static PaymentsInstance start(NatsServer nats, Settings settings) throws Exception {
    Connection nc = nats.connectAs("payments");
    Vertx vertx = Vertx.vertx();
    var instance = new PaymentsInstance(vertx, nc);
    try {
      var ctx = ServiceContext.standalone("payments", vertx, settings, new JetStreamBridge(vertx, nc), Router.router(vertx));
      new PaymentsService().start(ctx).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      instance.close();
      throw e;
    }
    return instance;
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().await(15, TimeUnit.SECONDS);
    } finally {
      nc.close();
    }
  }
}
