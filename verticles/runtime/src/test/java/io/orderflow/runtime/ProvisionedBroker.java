package io.orderflow.runtime;

import io.nats.client.Connection;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test's broker: a real nats-server on free ports with orderflow's streams, consumers and buckets
 * provisioned (one replica), a connection, a Vert.x and a bridge on them. Close it after the test class.
 */
public final class ProvisionedBroker implements AutoCloseable {
  public final NatsServer nats;
  public final Connection nc;
  public final Vertx vertx;
  public final JetStreamBridge bridge;

  private ProvisionedBroker(NatsServer nats, Connection nc, Vertx vertx) {
    this.nats = nats;
    this.nc = nc;
    this.vertx = vertx;
    this.bridge = new JetStreamBridge(vertx, nc);
  }

  public static ProvisionedBroker start() throws Exception {
    NatsServer nats = NatsServer.start();
    Connection nc = null;
    try {
      nc = nats.connect();
      Provisioner.from(Settings.of(Map.of())).provision(nc);
      return new ProvisionedBroker(nats, nc, Vertx.vertx());
    } catch (Exception | Error e) {
      // A failed start must not leave the server (or its connection) behind for the rest of the suite.
      if (nc != null) nc.close();
      nats.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    nc.close();
    nats.close();
  }
}
