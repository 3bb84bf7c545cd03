package io.orderflow.launcher;

import io.nats.client.Connection;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.NatsConnector;
import io.orderflow.runtime.messaging.Provisioner;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code provision}: creates or updates the streams, consumers and key-value buckets, then exits. */
@Command(name = "provision", header = "Creates or updates the streams, consumers and key-value buckets, then exits.", mixinStandardHelpOptions = true,
    description = "Creates or updates every stream, consumer and key-value bucket on NATS_URL, as the provisioner identity (ORDERFLOW_NATS_PROVISIONER_PASSWORD), then exits. Safe to run again: what exists and matches is left alone. Replicas: ORDERFLOW_NATS_REPLICAS (1; 3 on a cluster).",
    footer = {"", "Exit: 0 when everything is in place, 1 otherwise (the reason is the last line)."})
final class ProvisionCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = Processes.settings(spec.commandLine());
    Processes.name("provision");
    Throwable failure = null;
    try {
      provision(settings);
    } catch (Throwable e) {
      // Throwable: a missing class or an OutOfMemoryError must end the process too.
      LOG.error("provisioning failed: {}", e.toString(), e);
      failure = e;
    } finally {
      Processes.flushLogs();
    }
    // The reason last, after the flushed log lines, so that it ends the log `./orderflow run` shows.
    if (failure != null) System.err.println("orderflow: provisioning failed: " + failure);
    // A thread a failure left behind (a client library's) must not keep the process, and its caller, waiting.
    System.exit(failure == null ? 0 : 1);
    return failure == null ? 0 : 1;
  }

  private static void provision(Settings settings) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      try (Connection nc = NatsConnector.connect(vertx, settings, "provisioner").await(30, TimeUnit.SECONDS)) {
        Provisioner.from(settings).provision(nc);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
