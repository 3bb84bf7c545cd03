package io.orderflow.runtime.http;

import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.security.ApiAuth;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Routes a service adds to its process's management port, beside health, metrics and the admin API: the orders
 * service's console. Mounted once the services have started, before the port's catch-all 404.
 */
public interface ManagementRoutes {
  void mount(Router router, Port port);

  /**
   * What the management port offers its routes: the process's settings and authentication, and the bridge that
   * acts for an operator (the ops identity's connection; null when this process may not act as one).
   */
  record Port(Vertx vertx, Settings settings, ApiAuth auth, JetStreamBridge operator) {}
}
