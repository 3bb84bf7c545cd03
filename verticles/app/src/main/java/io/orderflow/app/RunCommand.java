package io.orderflow.app;

import io.orderflow.chaos.DevTools;
import io.orderflow.chaos.LocalRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run [--split] [--instances N] [--nats-cluster N]}: the whole system on this machine, in the foreground. */
@Command(name = "run", header = "The whole system on this machine, in the foreground, until Ctrl-C.", mixinStandardHelpOptions = true,
    description = "Starts a local nats-server (JetStream), psp-sim, an SMTP sink and the five services, waits until all are ready and stays in the foreground; Ctrl-C (or ./orderflow stop) stops everything, services first. Data, logs (.data/logs), mails (.data/mail) and secrets (.data/secrets.env) live under .data/.",
    footer = {"", "Ports (each movable by its variable):",
        "  public API      ORDERFLOW_HTTP_PORT 8080; --split: orders 8080, inventory 8081, payments 8082,",
        "                  notifications 8083, audit 8084; instance k (1, 2, ...) adds 100 (k-1)",
        "  management      ORDERFLOW_MGMT_PORT 9080, the same way (/health /ready /metrics /admin)",
        "  NATS            ORDERFLOW_NATS_PORT 14222, monitoring ORDERFLOW_NATS_MONITOR_PORT 18222, routes",
        "                  ORDERFLOW_NATS_CLUSTER_PORT 16222; node n adds n-1",
        "  psp-sim         ORDERFLOW_PSP_PORT 8090      SMTP sink  ORDERFLOW_SMTP_PORT 2525",
        "Other settings: NATS_URL, ORDERFLOW_PSP_URL, ORDERFLOW_SMTP_HOST (use yours instead of starting one),",
        "ORDERFLOW_NATS_SYNC (always or an interval; 1s), ORDERFLOW_BIND_HOST (127.0.0.1), JAVA_OPTS,",
        "ORDERFLOW_AUX_JAVA_OPTS, ORDERFLOW_READY_TIMEOUT (120), ORDERFLOW_STOP_TIMEOUT (35), ORDERFLOW_LOG_STDOUT",
        "(1, 0, auto), ORDERFLOW_LOG_FORMAT (json, text): README \"Running it\"."})
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--split", description = "one JVM per service instead of one for all five")
  boolean split;

  @Option(names = "--instances", paramLabel = "N", defaultValue = "1", description = "instances of every service process (${DEFAULT-VALUE})")
  int instances;

  @Option(names = "--nats-cluster", paramLabel = "N", defaultValue = "1",
      description = "nats-server nodes: 1, or 3 (a cluster with R3 streams, the prod shape) (${DEFAULT-VALUE})")
  int natsNodes;

  @Override
  public Integer call() throws Exception {
    LocalRun.Options options;
    try {
      options = new LocalRun.Options(split, instances, natsNodes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path root = Path.of("").toAbsolutePath();
    String natsUrl = System.getenv("NATS_URL");
    Path nats = natsUrl == null || natsUrl.isBlank() ? new DevTools(root).natsServer() : null;
    return LocalRun.run(options, nats);
  }
}
