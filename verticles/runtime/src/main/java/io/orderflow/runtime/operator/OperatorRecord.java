package io.orderflow.runtime.operator;

import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.vertx.core.Future;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an operator's action as an OperatorAction event on {@code orderflow.system.operator.<action>} (the SYSTEM
 * stream, which audit chains), naming the actor: the token's subject. Recorded after the action succeeded; when
 * the record cannot be stored the request fails, saying the action was done (an operator must not believe
 * nothing happened), and the error is logged with the action.
 */
public final class OperatorRecord {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorRecord.class);
  private final JetStreamBridge bridge;

  public OperatorRecord(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  public Future<Void> done(String action, String actor, String target, String detail) {
    Envelope record = Envelope.of(new Event.OperatorAction(action, actor, target, detail), Instant.now(), Cause.NONE);
    return bridge.publish(record).<Void>mapEmpty().recover(e -> {
      LOG.error("{} by {} on {} was done but its record was not stored: {}", action, actor, target, e.toString());
      // A problem of its own, not the broker error: an outage answer (503, retry) would hide that the action was done.
      return Future.failedFuture(io.orderflow.runtime.http.Problem.of(500, "Done, but not recorded",
          action + " of " + target + " was done, but its record for the audit chain was not stored (" + e.getMessage()
              + "); the log has it").failure());
    });
  }
}
