package io.orderflow.app;

import io.orderflow.launcher.Processes;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code psp-sim}: the payment gateway stand-in, until SIGTERM. */
@Command(name = "psp-sim", header = "The payment gateway stand-in (development only).", mixinStandardHelpOptions = true,
    description = "The payment gateway stand-in, until SIGTERM: charges on ORDERFLOW_PSP_PORT (8090), its faults (ok, down, slow, flaky) and ledger on /admin/*, behind Authorization: Bearer ORDERFLOW_PSP_ADMIN_SECRET (unset: the admin API is off). Development only: not in the production image.")
final class PspSimCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(PspSimCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Settings settings = Processes.settings(spec.commandLine());
    Processes.name("psp-sim");
    Vertx vertx = Vertx.vertx();
    var psp = new PspSimVerticle(settings.string("psp.host", ServiceHost.ANY_HOST), settings.port("psp.port", 8090),
        settings.string("psp.admin-secret", ""));
    vertx.deployVerticle(psp).await(30, TimeUnit.SECONDS);
    LOG.info("psp-sim listening on :{}", psp.actualPort());
    Processes.awaitShutdown(() -> vertx.close().await(10, TimeUnit.SECONDS));
    return 0;
  }
}
