package io.orderflow.launcher;

import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code service NAME[,NAME...]|all}: runs services in this JVM until SIGTERM, as a container does. */
@Command(name = "service", header = "Runs services in this JVM until SIGTERM (what a container runs).", aliases = "services", mixinStandardHelpOptions = true,
    description = "Runs one service (or several, or all) in this JVM until SIGTERM: what a container runs. Public API on ORDERFLOW_HTTP_PORT (8080), /health /ready /metrics /admin on ORDERFLOW_MGMT_PORT (9080); NATS_URL and the service's ORDERFLOW_NATS_<SERVICE>_PASSWORD say where and as whom it connects.",
    footer = {"", "Exit: 0 after a clean stop on SIGTERM, 1 if start-up fails (after up to 120 s)."})
final class ServiceCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME",
      description = "orders, inventory, payments, notifications, audit, a comma-separated list, or all. "
          + "Default: the variable ORDERFLOW_SERVICE.")
  String names;

  @Override
  public Integer call() throws Exception {
    String chosen = names != null ? names : System.getenv("ORDERFLOW_SERVICE");
    if (chosen == null || chosen.isBlank()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "name the service: service NAME, or ORDERFLOW_SERVICE=NAME ("
          + String.join(", ", Services.NAMES) + ", or all)");
    }
    List<OrderflowService> services;
    try {
      services = Services.parse(chosen);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Settings settings = Processes.settings(spec.commandLine());
    Processes.name(services.size() == 1 ? services.getFirst().name() : "orderflow");
    Telemetry telemetry = Telemetry.create(settings);
    Vertx vertx = telemetry.vertx();
    ServiceHost host = new ServiceHost(telemetry, settings);
    try {
      host.start(services).await(120, TimeUnit.SECONDS);
    } catch (Throwable e) {
      // Throwable: a missing class (NoClassDefFoundError) must end the process, not leave it half-started.
      LOG.error("start-up failed: {}", e.toString(), e);
      vertx.close().await(10, TimeUnit.SECONDS);
      return 1;
    }
    LOG.info("running {}", services.stream().map(OrderflowService::name).toList());
    Processes.awaitShutdown(() -> {
      host.stop().await(ServiceHost.shutdownTimeout(settings).toSeconds() + 5, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    });
    return 0;
  }
}
