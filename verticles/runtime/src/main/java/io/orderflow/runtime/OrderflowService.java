package io.orderflow.runtime;

import io.vertx.core.Future;

/** A service of orderflow: started by the process host with its own context (and NATS connection). */
public interface OrderflowService {
  String name();

  /** Deploys the service's verticles and mounts its public routes; completes when it can do its work. */
  Future<Void> start(ServiceContext context);

  /** Routes for the process's management port (the orders service's console), asked for once the service has started. */
  default java.util.List<io.orderflow.runtime.http.ManagementRoutes> managementRoutes() {
    return java.util.List.of();
  }
}
