package io.orderflow.inventory.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import java.util.List;
import org.junit.jupiter.api.Test;

class StockLedgerTest {
  final StockLedger ledger = new StockLedger(100);
  long seq;

  Event.OrderPlaced order(String id, OrderLine... lines) {
    long total = List.of(lines).stream().mapToLong(OrderLine::totalCents).sum();
    return new Event.OrderPlaced(id, "c-1", List.of(lines), total, "EUR", "h");
  }

  void store(StockDecision d) {
    ledger.apply(++seq, d.event().orElseThrow());
  }

  @Test
  void reservesAllLinesAtOnce() {
    ledger.apply(++seq, new Event.StockSet("A", 5));
    ledger.apply(++seq, new Event.StockSet("B", 1));
    String id = Ids.newOrderId();
    StockDecision d = ledger.decideReserve(order(id, new OrderLine("A", 2, 100), new OrderLine("B", 1, 100)));
    assertThat(d.event()).containsInstanceOf(Event.StockReserved.class);
    assertThat(ledger.level("A").orElseThrow().available()).as("deciding does not mutate").isEqualTo(5);
    store(d);
    assertThat(ledger.level("A").orElseThrow()).isEqualTo(new StockLevel("A", 3, 2, 0));
    assertThat(ledger.level("B").orElseThrow()).isEqualTo(new StockLevel("B", 0, 1, 0));
  }

  @Test
  void rejectsNamingTheFirstShortSkuAndReservesNothing() {
    ledger.apply(++seq, new Event.StockSet("A", 5));
    ledger.apply(++seq, new Event.StockSet("B", 1));
    String id = Ids.newOrderId();
    StockDecision d = ledger.decideReserve(order(id, new OrderLine("A", 2, 1), new OrderLine("B", 2, 1), new OrderLine("C", 1, 1)));
    assertThat(d.event()).contains(new Event.StockRejected(id, "B", 2, 1));
    store(d);
    assertThat(ledger.level("A").orElseThrow().available()).isEqualTo(5);
    assertThat(ledger.stateOf(id)).contains(StockLedger.State.REJECTED);
  }

  @Test
  void linesOfTheSameSkuCountTogether() {
    ledger.apply(++seq, new Event.StockSet("A", 3));
    String id = Ids.newOrderId();
    assertThat(ledger.decideReserve(order(id, new OrderLine("A", 2, 1), new OrderLine("A", 2, 1))).event())
        .containsInstanceOf(Event.StockRejected.class);
  }

  @Test
  void commitTurnsTheReservationIntoASaleAndReleaseGivesItBack() {
    ledger.apply(++seq, new Event.StockSet("A", 5));
    String sold = Ids.newOrderId();
    String released = Ids.newOrderId();
    store(ledger.decideReserve(order(sold, new OrderLine("A", 2, 1))));
    store(ledger.decideReserve(order(released, new OrderLine("A", 1, 1))));
    store(ledger.decideCommit(sold));
    store(ledger.decideRelease(released));
    assertThat(ledger.level("A").orElseThrow()).isEqualTo(new StockLevel("A", 3, 0, 2));
  }

  @Test
  void repeatedCommandsDecideNothing() {
    ledger.apply(++seq, new Event.StockSet("A", 5));
    String id = Ids.newOrderId();
    var placed = order(id, new OrderLine("A", 2, 1));
    store(ledger.decideReserve(placed));
    assertThat(ledger.decideReserve(placed).event()).isEmpty();
    store(ledger.decideCommit(id));
    assertThat(ledger.decideCommit(id).event()).isEmpty();
    assertThat(ledger.decideRelease(id).event()).isEmpty();
    assertThat(ledger.decideReserve(placed).event()).isEmpty();
    assertThat(ledger.level("A").orElseThrow()).isEqualTo(new StockLevel("A", 3, 0, 2));
  }

  @Test
  void replayedEventsAreFoldedOnce() {
    ledger.apply(++seq, new Event.StockSet("A", 5));
    String id = Ids.newOrderId();
    Event reserved = ledger.decideReserve(order(id, new OrderLine("A", 2, 1))).event().orElseThrow();
    ledger.apply(++seq, reserved);
    assertThat(ledger.apply(seq, reserved)).isFalse();
    ledger.apply(++seq, reserved); // a duplicate stored under another sequence
    assertThat(ledger.level("A").orElseThrow()).isEqualTo(new StockLevel("A", 3, 2, 0));
  }

  @Test
  void settingStockIsASetNotAnAdd() {
    ledger.apply(++seq, new Event.StockSet("A", 5));
    store(ledger.decideReserve(order(Ids.newOrderId(), new OrderLine("A", 2, 1))));
    ledger.apply(++seq, new Event.StockSet("A", 10));
    assertThat(ledger.level("A").orElseThrow()).isEqualTo(new StockLevel("A", 10, 2, 0));
  }

  @Test
  void neverOversellsUnderManyOrders() {
    ledger.apply(++seq, new Event.StockSet("A", 20));
    int reserved = 0;
    for (int i = 0; i < 200; i++) {
      StockDecision d = ledger.decideReserve(order(Ids.newOrderId(), new OrderLine("A", 1, 1)));
      if (d.event().orElseThrow() instanceof Event.StockReserved) reserved++;
      store(d);
    }
    assertThat(reserved).isEqualTo(20);
    assertThat(ledger.level("A").orElseThrow()).isEqualTo(new StockLevel("A", 0, 20, 0));
  }
}
