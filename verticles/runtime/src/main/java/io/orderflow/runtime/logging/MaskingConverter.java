package io.orderflow.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/** {@code %mask(...)} in a logback pattern: the human-readable format masks what the JSON one masks. */
public final class MaskingConverter extends CompositeConverter<ILoggingEvent> {
  @Override
  protected String transform(ILoggingEvent event, String in) {
    return LogMasking.mask(in);
  }
}
