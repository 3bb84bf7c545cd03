package io.orderflow.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import io.orderflow.runtime.telemetry.LogContext;
import java.io.IOException;
import net.logstash.logback.composite.AbstractFieldJsonProvider;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashCommonFieldNames;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;

/**
 * orderflow's JSON log line: one object per line with {@code time} (UTC), {@code level}, {@code service},
 * {@code logger}, {@code thread}, {@code message}, and where known {@code order_id}, {@code event_id},
 * {@code trace_id}, {@code span_id} (from the MDC, see {@link LogContext}); stack traces as
 * {@code stack_trace}. Addresses, tokens and credentials are masked ({@link LogMasking}). Configured in code
 * so that logback.xml and the tests use the very same encoder.
 */
public class JsonLogEncoder extends LogstashEncoder {
  /** Logback context property naming the process, for lines not written on behalf of one service. */
  public static final String PROCESS_PROPERTY = "orderflow.process";

  public JsonLogEncoder() {
    var names = getFieldNames();
    names.setTimestamp("time");
    names.setVersion(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLevelValue(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLogger("logger");
    names.setThread("thread");
    names.setStackTrace("stack_trace");
    setTimeZone("UTC");
    setIncludeContext(false); // context properties (the process name) feed the service field only
    addExcludeMdcKeyName(LogContext.SERVICE);
    addProvider(new ServiceProvider());
    var masking = new MaskingJsonGeneratorDecorator();
    masking.addValueMasker(new LogMasking());
    masking.start(); // a logback LifeCycle: Joran would start it, configured in code we do
    setJsonGeneratorDecorator(masking);
  }

  /**
   * {@code service}: the service the MDC names, else the one the logger's package belongs to
   * ({@code io.orderflow.payments...} is payments), else the process.
   */
  static final class ServiceProvider extends AbstractFieldJsonProvider<ILoggingEvent> {
    ServiceProvider() {
      setFieldName(LogContext.SERVICE);
    }

    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
      String service = event.getMDCPropertyMap().get(LogContext.SERVICE);
      if (service == null) service = fromLogger(event.getLoggerName());
      if (service == null) service = event.getLoggerContextVO().getPropertyMap().getOrDefault(PROCESS_PROPERTY, "orderflow");
      generator.writeStringField(getFieldName(), service);
    }

    static String fromLogger(String logger) {
      if (logger == null || !logger.startsWith("io.orderflow.")) return null;
      int end = logger.indexOf('.', "io.orderflow.".length());
      String pkg = end < 0 ? null : logger.substring("io.orderflow.".length(), end);
      if (pkg == null) return null;
      return switch (pkg) {
        case "orders", "inventory", "payments", "notifications", "audit", "chaos" -> pkg;
        case "pspsim" -> "psp-sim";
        default -> null; // runtime, app: written for the process
      };
    }
  }
}
