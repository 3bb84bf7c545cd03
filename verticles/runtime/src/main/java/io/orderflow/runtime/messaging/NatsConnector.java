package io.orderflow.runtime.messaging;

import io.orderflow.runtime.Settings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens one NATS connection per service, off the event loop, and keeps reconnecting forever. */
public final class NatsConnector {
  private static final Logger LOG = LoggerFactory.getLogger(NatsConnector.class);

  private NatsConnector() {}

  public static Future<Connection> connect(Vertx vertx, Settings settings, String serviceName) {
    String url = settings.string("nats.url", "nats://127.0.0.1:4222");
    Duration timeout = settings.duration("nats.connect-timeout", Duration.ofSeconds(5));
    Options options = new Options.Builder()
        .server(url)
        .connectionName("orderflow-" + serviceName)
        .connectionTimeout(timeout)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(500))
        .pingInterval(Duration.ofSeconds(10))
        .connectionListener((conn, type) -> {
          if (type != ConnectionListener.Events.RESUBSCRIBED) LOG.info("{}: NATS connection {}", serviceName, type);
        })
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            LOG.warn("{}: NATS error {}", serviceName, error);
          }

          @Override
          public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.warn("{}: NATS exception {}", serviceName, exp.toString());
          }
        })
        .build();
    // Nats.connect blocks on the network: never on an event loop.
    return vertx.executeBlocking(() -> {
      Connection nc = Nats.connect(options);
      LOG.info("{}: connected to {}", serviceName, nc.getConnectedUrl());
      return nc;
    }, false);
  }
}
