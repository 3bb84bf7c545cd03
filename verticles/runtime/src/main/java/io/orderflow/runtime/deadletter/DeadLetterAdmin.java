package io.orderflow.runtime.deadletter;

import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.http.Problem;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.operator.OperatorRecord;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does with dead letters: list, read, replay and delete them, by DLQ stream sequence
 * ({@link DeadLetterRoutes} serves it on the management port). Every jnats call runs off the event loop.
 * <p>
 * Replay sends a dead letter back to the one consumer that failed it: to its replay consumer through the
 * REPLAY stream, with the original payload (so its CloudEvent id is unchanged) and headers. Nothing is
 * written to the event streams, so no other consumer sees the event again and the streams hold no duplicate.
 * <p>
 * A replay and a delete are recorded as an OperatorAction naming the actor, once done ({@link OperatorRecord}):
 * the audit chain holds who replayed or deleted which dead letter.
 */
public final class DeadLetterAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterAdmin.class);
  private static final int NO_MESSAGE_FOUND = 10037;
  private static final int SEQUENCE_NOT_FOUND = 10043;
  private static final int BEYOND_LAST_SEQUENCE = 10057;

  /** Dead letters newest first; {@code next} is the {@code before} cursor of the following page, 0 when there is none. */
  public record Page(List<DeadLetter> letters, long next) {}

  private final JetStreamBridge bridge;
  private final OperatorRecord record;

  public DeadLetterAdmin(JetStreamBridge bridge) {
    this.bridge = bridge;
    this.record = new OperatorRecord(bridge);
  }

  /** Up to {@code limit} dead letters with a sequence below {@code before}, newest first. */
  public Future<Page> page(long before, int limit) {
    return bridge.blocking(() -> {
      StreamState state = bridge.management()
          .getStreamInfo(Topology.DLQ, StreamInfoOptions.builder().deletedDetails().build()).getStreamState();
      // Deleted (replayed) sequences are skipped without a lookup each.
      Set<Long> deleted = state.getDeleted() == null ? Set.of() : new HashSet<>(state.getDeleted());
      List<DeadLetter> letters = new ArrayList<>();
      long seq = Math.min(before - 1, state.getLastSequence());
      for (; seq >= state.getFirstSequence() && letters.size() < limit; seq--) {
        if (deleted.contains(seq)) continue;
        lookup(seq).ifPresent(letters::add);
      }
      boolean more = seq >= state.getFirstSequence() && letters.size() == limit;
      return new Page(letters, more ? letters.get(letters.size() - 1).sequence() : 0);
    });
  }

  public Future<Optional<DeadLetter>> find(long seq) {
    return bridge.blocking(() -> lookup(seq));
  }

  /**
   * Publishes a dead letter to its consumer's replay subject, then removes it from the DLQ. Completes with
   * the subject it went to, or empty when there is no such dead letter. Repeating a replay whose delete
   * failed publishes nothing twice within the broker's duplicate window ({@code Nats-Msg-Id: replay-<seq>}).
   */
  public Future<Optional<String>> replay(long seq, String actor) {
    return bridge.blocking(() -> raw(seq)).compose(found -> {
      if (found.isEmpty()) return Future.succeededFuture(Optional.empty());
      MessageInfo stored = found.get();
      DeadLetter letter = DeadLetter.of(stored.getSeq(), stored.getHeaders(), stored.getData());
      Topology.ConsumerSpec consumer = letter.eventConsumer().orElse(null);
      if (consumer == null) {
        return Future.failedFuture(Problem.unprocessable("dead letter " + seq + " was failed by consumer '" + letter.consumer()
            + "', which has no replay consumer").failure());
      }
      if (letter.subject() == null || letter.subject().isBlank()) {
        return Future.failedFuture(Problem.unprocessable("dead letter " + seq + " has no " + DeadLetters.SUBJECT + " header").failure());
      }
      String refused = replayRefusal(stored.getSubject(), letter, consumer);
      if (refused != null) return Future.failedFuture(Problem.unprocessable("dead letter " + seq + " is not replayed: " + refused).failure());
      String target = Topology.replaySubject(consumer, letter.subject());
      Headers headers = new Headers();
      letter.originalHeaders().forEach(headers::put);
      PublishOptions options = PublishOptions.builder().messageId("replay-" + seq).expectedStream(Topology.REPLAY).build();
      return bridge.publishRaw(target, headers, letter.payload(), options)
          .compose(ack -> remove(seq))
          .compose(deleted -> record.done(Event.OperatorAction.DEAD_LETTER_REPLAYED, actor, describe(seq, letter), "to " + target))
          .map(recorded -> {
            LOG.info("dead letter {} ({} failed by {}) replayed to {} by {}", seq, letter.subject(), letter.consumer(), target, actor);
            return Optional.of(target);
          });
    });
  }

  /** Removes a dead letter and records who did; false when there is none with that sequence. */
  public Future<Boolean> delete(long seq, String actor) {
    return find(seq).compose(found -> {
      if (found.isEmpty()) return Future.succeededFuture(false);
      DeadLetter letter = found.get();
      return remove(seq).compose(deleted -> !deleted ? Future.succeededFuture(false)
          : record.done(Event.OperatorAction.DEAD_LETTER_DELETED, actor, describe(seq, letter), letter.error()).map(true));
    });
  }

  /**
   * Why a dead letter may not go back to its consumer, or null. A replay hands its payload to one consumer as if
   * it came on its original subject, so everything the letter claims is checked against what vouches for it: it
   * was stored on the dead-letter subject of the consumer its headers name (which only that consumer's service
   * may publish on), its original subject is one that consumer reads, and an event in it belongs on that subject
   * (a forged event refused live is not let in by a replay).
   */
  static String replayRefusal(String storedOn, DeadLetter letter, Topology.ConsumerSpec consumer) {
    if (!(Subjects.DLQ + "." + letter.consumer()).equals(storedOn)) {
      return "it claims consumer " + letter.consumer() + " but was stored on " + storedOn;
    }
    if (consumer.filters().stream().noneMatch(filter -> Subjects.matches(filter, letter.subject()))) {
      return "its subject " + letter.subject() + " is not one " + consumer.durable() + " reads";
    }
    return letter.event().map(e -> e.type().misrouted(letter.subject(), e.subject(), false)).orElse(null);
  }

  /** "DLQ#12 (payments-reserved, orderflow.inventory.reserved.o-1)": what the record names. */
  private static String describe(long seq, DeadLetter letter) {
    return "DLQ#" + seq + " (" + letter.consumer() + ", " + letter.subject() + ")";
  }

  private Future<Boolean> remove(long seq) {
    return bridge.blocking(() -> {
      try {
        return bridge.management().deleteMessage(Topology.DLQ, seq, false);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == SEQUENCE_NOT_FOUND || e.getApiErrorCode() == BEYOND_LAST_SEQUENCE) return false;
        throw e;
      }
    });
  }

  private Optional<DeadLetter> lookup(long seq) throws Exception {
    return raw(seq).map(mi -> DeadLetter.of(mi.getSeq(), mi.getHeaders(), mi.getData()));
  }

  private Optional<MessageInfo> raw(long seq) throws Exception {
    try {
      return Optional.of(bridge.management().getMessage(Topology.DLQ, seq));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE_FOUND) return Optional.empty();
      throw e;
    }
  }
}
