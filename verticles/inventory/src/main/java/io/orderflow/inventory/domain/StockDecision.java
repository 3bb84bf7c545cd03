package io.orderflow.inventory.domain;

import io.orderflow.codecs.Event;
import java.util.Optional;

/** What the ledger decided for a command: the event to publish, or nothing because it already happened. */
public record StockDecision(Optional<Event> event, String note) {
  static StockDecision publish(Event e) {
    return new StockDecision(Optional.of(e), null);
  }

  static StockDecision nothing(String why) {
    return new StockDecision(Optional.empty(), why);
  }
}
