package io.orderflow.app;

import io.nats.client.Connection;
import ch.qos.logback.classic.LoggerContext;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.logging.JsonLogEncoder;
import io.orderflow.runtime.messaging.NatsConnector;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one fat jar's entry point: {@code provision}, {@code services <all|name,name>}, {@code psp-sim},
 * {@code smtp-sink}, {@code token}, {@code chaos}, {@code bench}. Configuration comes from {@code config/orderflow.properties} and ORDERFLOW_* variables.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    Settings settings;
    try {
      settings = Settings.load();
      checkLogFormat(System.getenv("ORDERFLOW_LOG_FORMAT"));
    } catch (RuntimeException e) {
      System.err.println("orderflow: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!args[0].equals("token")) nameProcess(args[0].equals("services") ? (args.length > 1 && !args[1].equals("all") ? args[1] : "orderflow") : args[0]);
    switch (args[0]) {
      case "provision" -> {
        Throwable failure = null;
        try {
          provision(settings);
        } catch (Throwable e) {
          // Throwable: a missing class or an OutOfMemoryError must end the process too.
          LOG.error("provisioning failed: {}", e.toString(), e);
          failure = e;
        } finally {
          flushLogs();
        }
        // The reason last, after the flushed log lines, so that it ends the log `./orderflow run` shows.
        if (failure != null) System.err.println("orderflow: provisioning failed: " + failure);
        // A thread a failure left behind (a client library's) must not keep the process, and its caller, waiting.
        System.exit(failure == null ? 0 : 1);
      }
      case "services" -> services(settings, args.length > 1 ? args[1] : "all");
      case "psp-sim" -> pspSim(settings);
      case "smtp-sink" -> SmtpSink.run(settings.port("smtp.port", 2525), Path.of(settings.string("mail.dir", ".data/mail")));
      case "chaos" -> {
        int rc = io.orderflow.chaos.Chaos.run(java.util.Arrays.copyOfRange(args, 1, args.length));
        flushLogs();
        System.exit(rc);
      }
      case "token" -> {
        int rc = TokenCommand.run(settings, java.util.Arrays.copyOfRange(args, 1, args.length));
        flushLogs();
        System.exit(rc);
      }
      case "bench" -> {
        int rc = io.orderflow.chaos.Bench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
        flushLogs();
        System.exit(rc);
      }
      default -> usage();
    }
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

  private static void services(Settings settings, String list) throws Exception {
    var services = Services.parse(list);
    Telemetry telemetry = Telemetry.create(settings);
    Vertx vertx = telemetry.vertx();
    ServiceHost host = new ServiceHost(telemetry, settings);
    try {
      host.start(services).await(120, TimeUnit.SECONDS);
    } catch (Throwable e) {
      // Throwable: a missing class (NoClassDefFoundError) must end the process, not leave it half-started.
      LOG.error("start-up failed: {}", e.toString(), e);
      vertx.close().await(10, TimeUnit.SECONDS);
      flushLogs();
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
    var psp = new PspSimVerticle(settings.string("psp.host", ServiceHost.ANY_HOST), settings.port("psp.port", 8090),
        settings.string("psp.admin-secret", ""));
    vertx.deployVerticle(psp).await(30, TimeUnit.SECONDS);
    LOG.info("psp-sim listening on :{}", psp.actualPort());
    awaitShutdown(() -> vertx.close().await(10, TimeUnit.SECONDS));
  }

  /** logback.xml picks the appender named by ORDERFLOW_LOG_FORMAT; another name would silently log nothing. */
  static void checkLogFormat(String format) {
    if (format != null && !format.isBlank() && !format.equals("json") && !format.equals("text")) {
      throw new IllegalArgumentException("setting ORDERFLOW_LOG_FORMAT is '" + format + "', expected json or text");
    }
  }

  /** JSON log lines not written for one service name the process instead. */
  private static void nameProcess(String name) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.putProperty(JsonLogEncoder.PROCESS_PROPERTY, name);
  }

  /** Writes out what the asynchronous appender still holds: the process is about to halt. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.stop();
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
        flushLogs();
        stopped.countDown();
        // A clean stop on SIGTERM exits 0 (not the JVM's 143): the orchestrator sees a graceful shutdown.
        Runtime.getRuntime().halt(0);
      }
    }, "orderflow-shutdown"));
    stopped.await();
  }

  private static void usage() {
    System.err.println("usage: orderflow.jar provision | services <all|orders,inventory,payments,notifications,audit> | psp-sim | smtp-sink | token --customer ID|--admin|--auditor [--ttl 12h] | chaos [--short] [SCENARIO...] | bench [--rate R] [--duration S] [--warmup S] [--find-max] [--split]");
    System.exit(2);
  }
}
