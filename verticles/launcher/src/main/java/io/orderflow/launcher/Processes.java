package io.orderflow.launcher;

import ch.qos.logback.classic.LoggerContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.logging.JsonLogEncoder;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** What every long-running command shares: its settings, its name in the logs, its stop on SIGTERM. */
public final class Processes {
  private static final Logger LOG = LoggerFactory.getLogger(Processes.class);

  private Processes() {}

  /** The process's settings; a bad value is a usage error that names the setting. */
  public static Settings settings(CommandLine cli) {
    try {
      checkLogFormat(System.getenv("ORDERFLOW_LOG_FORMAT"));
      return Settings.load();
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage(), e, null, null);
    }
  }

  /** logback.xml picks the appender named by ORDERFLOW_LOG_FORMAT; another name would silently log nothing. */
  static void checkLogFormat(String format) {
    if (format != null && !format.isBlank() && !format.equals("json") && !format.equals("text")) {
      throw new IllegalArgumentException("setting ORDERFLOW_LOG_FORMAT is '" + format + "', expected json or text");
    }
  }

  /** JSON log lines not written for one service name the process instead. */
  public static void name(String name) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.putProperty(JsonLogEncoder.PROCESS_PROPERTY, name);
  }

  /** Writes out what the asynchronous appender still holds: the process is about to halt. */
  public static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.stop();
  }

  /** An exception and its causes, in one line. */
  public static String describe(Throwable e) {
    StringBuilder why = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) why.append("; caused by ").append(c);
    return why.toString();
  }

  /** The stop sequence a shutdown hook runs. */
  public interface Stop {
    void run() throws Exception;
  }

  /** Blocks until SIGTERM/SIGINT, then runs the stop sequence inside the shutdown hook. */
  public static void awaitShutdown(Stop stop) throws InterruptedException {
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
}
