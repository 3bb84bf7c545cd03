package io.orderflow.audit;

import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;

/** Appends every event to the audit log once, after the event that caused it, however late that cause is. */
final class AuditHandler implements EventHandler {
  private final AuditLog log;

  AuditHandler(AuditLog log) {
    this.log = log;
  }

  @Override
  public Future<Void> handle(Delivery d) {
    var e = d.event();
    // The exact bytes that were published, unknown fields included: that is what the chain vouches for.
    String json = new String(d.raw(), StandardCharsets.UTF_8);
    return log.append(e.id(), e.subject(), e.causationId(), json, d.deliveredCount());
  }
}
