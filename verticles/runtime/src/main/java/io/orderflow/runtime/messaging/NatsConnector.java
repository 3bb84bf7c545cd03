package io.orderflow.runtime.messaging;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.nats.NatsIdentities;
import io.orderflow.runtime.nats.NatsTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one NATS connection per identity (a service, the provisioner, ops), off the event loop, and keeps
 * reconnecting forever. Each connects with its own credentials ({@link NatsIdentities}) and its own inbox prefix,
 * {@code _INBOX.<identity>}: the server lets an identity subscribe to its own replies only.
 */
public final class NatsConnector {
  private static final Logger LOG = LoggerFactory.getLogger(NatsConnector.class);

  private NatsConnector() {}

  public static Future<Connection> connect(Vertx vertx, Settings settings, String identity) {
    Options options;
    try {
      options = options(settings, identity).build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e);
    }
    // Nats.connect blocks on the network: never on an event loop.
    return vertx.executeBlocking(() -> {
      try {
        Connection nc = Nats.connect(options);
        LOG.info("{}: connected to {} as {}", identity, nc.getConnectedUrl(), user(settings, identity));
        return nc;
      } catch (AuthenticationException e) {
        throw new IllegalStateException("NATS refused " + identity + "'s credentials (" + e.getMessage() + "): set "
            + Settings.envName(NatsIdentities.passwordKey(identity)) + " (or " + Settings.envName(NatsIdentities.credentialsKey(identity))
            + ") to the password the server has for user '" + user(settings, identity) + "'", e);
      }
    }, false);
  }

  /** The options every orderflow connection uses: URL, credentials, TLS, reconnects, logging. */
  public static Options.Builder options(Settings settings, String identity) {
    String url = settings.string("nats.url", "nats://127.0.0.1:4222");
    Duration timeout = settings.duration("nats.connect-timeout", Duration.ofSeconds(5));
    Options.Builder b = new Options.Builder()
        .server(url)
        .connectionName("orderflow-" + identity)
        .inboxPrefix("_INBOX." + identity)
        .connectionTimeout(timeout)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(500))
        .pingInterval(Duration.ofSeconds(10))
        .connectionListener((conn, type) -> {
          if (type != ConnectionListener.Events.RESUBSCRIBED) LOG.info("{}: NATS connection {}", identity, type);
        })
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            // A permissions violation names the subject this identity may not use: a configuration bug, said loudly.
            LOG.warn("{}: NATS error {}", identity, error);
          }

          @Override
          public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.warn("{}: NATS exception {}", identity, exp.toString());
          }
        });
    var credentials = settings.find(NatsIdentities.credentialsKey(identity)).filter(s -> !s.isBlank());
    var password = settings.find(NatsIdentities.passwordKey(identity)).filter(s -> !s.isBlank());
    if (credentials.isPresent()) {
      b.authHandler(Nats.credentials(credentials.get()));
    } else if (password.isPresent()) {
      b.userInfo(user(settings, identity).toCharArray(), password.get().toCharArray());
    }
    NatsTls.from(settings).ifPresent(tls -> b.sslContext(tls));
    return b;
  }

  private static String user(Settings settings, String identity) {
    return settings.string(NatsIdentities.userKey(identity), identity);
  }
}
