package io.orderflow.runtime.messaging;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;

/**
 * How often handlers really failed on a message, kept in the {@link Topology#FAILED_ATTEMPTS} bucket under
 * {@code <durable>.<stream sequence>}: every instance of a consumer counts into the same entry and a restart
 * forgets nothing, so "dead-letter after N attempts" means N failures, and an outage (which never comes
 * here) never counts whoever waited through it. Only failures write; a message that succeeds costs nothing.
 * Each count is a compare-and-set on the entry, so two instances failing at once count twice, not once.
 */
final class FailedAttempts {
  private static final int MAX_RACES = 10;

  private final JetStreamBridge bridge;

  FailedAttempts(JetStreamBridge bridge) {
    this.bridge = bridge;
  }

  /** Records one more failure; completes with the number of failures so far, this one included. */
  Future<Integer> record(Topology.ConsumerSpec consumer, long streamSequence) {
    return record(consumer.durable() + "." + streamSequence, 0);
  }

  private Future<Integer> record(String key, int races) {
    return bridge.kvGet(Topology.FAILED_ATTEMPTS, key).compose(entry -> {
      int count = entry.map(e -> parse(e.value())).orElse(0) + 1;
      byte[] value = String.valueOf(count).getBytes(StandardCharsets.US_ASCII);
      Future<Long> write = entry.isPresent()
          ? bridge.kvUpdate(Topology.FAILED_ATTEMPTS, key, value, entry.get().revision())
          : bridge.kvPutIfAbsent(Topology.FAILED_ATTEMPTS, key, value);
      return write.map(rev -> count).recover(e -> JetStreamBridge.isWrongLastSequence(e) && races < MAX_RACES
          ? record(key, races + 1) // another instance counted meanwhile (or the read was behind): count on top of it
          : Future.failedFuture(e));
    });
  }

  private static int parse(byte[] value) {
    try {
      return Integer.parseInt(new String(value, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return 0; // written by something else: start over rather than never dead-letter
    }
  }
}
