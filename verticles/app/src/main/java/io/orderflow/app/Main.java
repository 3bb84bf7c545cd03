package io.orderflow.app;

import io.nats.client.Connection;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.NatsConnector;
import io.orderflow.runtime.Provisioner;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one fat jar's entry point: {@code provision}, {@code services <all|name,name>}, {@code psp-sim},
 * {@code smtp-sink}. Configuration comes from {@code config/orderflow.properties} and ORDERFLOW_* variables.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    Settings settings;
    try {
      settings = Settings.load();
    } catch (RuntimeException e) {
      System.err.println("orderflow: " + e.getMessage());
      System.exit(2);
      return;
    }
    switch (args[0]) {
      case "provision" -> provision(settings);
      case "services" -> services(settings, args.length > 1 ? args[1] : "all");
      case "psp-sim" -> pspSim(settings);
      case "smtp-sink" -> SmtpSink.run(settings.port("smtp.port", 2525), Path.of(settings.string("mail.dir", ".data/mail")));
      case "chaos" -> System.exit(io.orderflow.chaos.Chaos.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
      default -> usage();
    }
  }

  private static void provision(Settings settings) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Connection nc = NatsConnector.connect(vertx, settings, "provisioner").await(30, TimeUnit.SECONDS);
      Provisioner.from(settings).provision(nc);
      nc.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void services(Settings settings, String list) throws Exception {
    var services = Services.parse(list);
    Vertx vertx = Vertx.vertx();
    ServiceHost host = new ServiceHost(vertx, settings);
    try {
      host.start(services).await(120, TimeUnit.SECONDS);
    } catch (Throwable e) {
      // Throwable: a missing class (NoClassDefFoundError) must end the process, not leave it half-started.
      LOG.error("start-up failed: {}", e.toString(), e);
      vertx.close().await(10, TimeUnit.SECONDS);
      System.exit(1);
    }
    LOG.info("running {}", Arrays.toString(services.stream().map(s -> s.name()).toArray()));
    awaitShutdown(() -> {
      host.stop().await(ServiceHost.shutdownTimeout(settings).toSeconds() + 5, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    });
  }

  private static void pspSim(Settings settings) throws Exception {
    Vertx vertx = Vertx.vertx();
    var psp = new PspSimVerticle(settings.port("psp.port", 8090));
    vertx.deployVerticle(psp).await(30, TimeUnit.SECONDS);
    LOG.info("psp-sim listening on :{}", psp.actualPort());
    awaitShutdown(() -> vertx.close().await(10, TimeUnit.SECONDS));
  }

  interface Stop {
    void run() throws Exception;
  }

  /** Blocks until SIGTERM/SIGINT, then runs the stop sequence inside the shutdown hook. */
  private static void awaitShutdown(Stop stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        LOG.info("stopping");
        stop.run();
      } catch (Exception e) {
        LOG.warn("unclean stop: {}", e.toString());
      } finally {
        stopped.countDown();
        // A clean stop on SIGTERM exits 0 (not the JVM's 143): the orchestrator sees a graceful shutdown.
        Runtime.getRuntime().halt(0);
      }
    }, "orderflow-shutdown"));
    stopped.await();
  }

  private static void usage() {
    System.err.println("usage: orderflow.jar provision | services <all|orders,inventory,payments,notifications,audit> | psp-sim | smtp-sink | chaos [--short] [SCENARIO...]");
    System.exit(2);
  }
}
