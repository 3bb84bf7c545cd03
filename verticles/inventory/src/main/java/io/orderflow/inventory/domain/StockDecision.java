package io.orderflow.inventory.domain;

import io.orderflow.codecs.Event;
import java.util.Optional;

/** What the ledger decided for a command: the event to publish, or nothing because it already happened. */
public record StockDecision(Optional<Event> event, String note, boolean unknownOrder) {
  static StockDecision publish(Event e) {
    return new StockDecision(Optional.of(e), null, false);
  }

  static StockDecision nothing(String why) {
    return new StockDecision(Optional.empty(), why, false);
  }

  /**
   * Nothing to do because the ledger does not know the order: only trustworthy once the ledger has
   * folded the whole stream (a reservation may be stored but not folded yet).
   */
  static StockDecision unknown(String orderId) {
    return new StockDecision(Optional.empty(), "no reservation known for " + orderId, true);
  }

  /**
   * The order ended without a reservation (cancelled before stock was reserved, e.g. after a dead letter):
   * a StockReleased without lines closes it in the ledger, so an OrderPlaced redelivered or replayed later
   * finds it closed and reserves nothing. Only once the ledger has folded the whole stream.
   */
  public static StockDecision closeUnreserved(String orderId) {
    return new StockDecision(Optional.of(new Event.StockReleased(orderId, java.util.List.of())),
        "no reservation known for " + orderId + ": closed without one", false);
  }
}
