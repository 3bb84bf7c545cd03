package io.orderflow.inventory.domain;

import io.orderflow.codecs.Event;
import java.util.Optional;

/**
 * What the ledger decided for a command: the event to publish, or nothing because it already happened.
 * {@code unknownOrder}: the ledger knows no reservation of the order; {@code closeIfUnknown}: the command
 * releases, so an order still unknown once the whole stream is folded is closed ({@link #closeUnreserved}).
 */
public record StockDecision(Optional<Event> event, String note, boolean unknownOrder, boolean closeIfUnknown) {
  static StockDecision publish(Event e) {
    return new StockDecision(Optional.of(e), null, false, false);
  }

  static StockDecision nothing(String why) {
    return new StockDecision(Optional.empty(), why, false, false);
  }

  /**
   * Nothing to do because the ledger does not know the order: only trustworthy once the ledger has
   * folded the whole stream (a reservation may be stored but not folded yet).
   */
  static StockDecision unknown(String orderId, boolean releasing) {
    return new StockDecision(Optional.empty(), "no reservation known for " + orderId, true, releasing);
  }

  /**
   * The order ended without a reservation (cancelled before stock was reserved, e.g. after a dead letter):
   * a StockReleased without lines closes it in the ledger, so an OrderPlaced redelivered or replayed later
   * finds it closed and reserves nothing. Only once the ledger has folded the whole stream.
   */
  public static StockDecision closeUnreserved(String orderId) {
    return new StockDecision(Optional.of(new Event.StockReleased(orderId, java.util.List.of())),
        "no reservation known for " + orderId + ": closed without one", false, false);
  }
}
