package io.orderflow.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.orderflow.runtime.logging.JsonLogEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures log lines as the services write them in production: through {@link JsonLogEncoder}, the encoder
 * logback.xml uses, one text line per event. Turns on the per-message and per-request DEBUG loggers while attached.
 */
final class JsonLogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private static final List<String> DEBUG_LOGGERS = List.of("orderflow.messages", "orderflow.http");

  private final JsonLogEncoder encoder = new JsonLogEncoder();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Map<String, Level> previousLevels = new HashMap<>();

  static JsonLogCapture attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLogCapture capture = new JsonLogCapture();
    capture.setContext(context);
    capture.encoder.setContext(context);
    capture.encoder.start();
    capture.start();
    for (String name : DEBUG_LOGGERS) {
      Logger logger = context.getLogger(name);
      capture.previousLevels.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
  }

  /** Every captured line as written, line separator included. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) getContext();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    previousLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    stop();
  }
}
