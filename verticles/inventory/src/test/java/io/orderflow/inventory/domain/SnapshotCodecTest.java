package io.orderflow.inventory.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {
  static final String OPEN = Ids.newOrderId();
  static final String SOLD = Ids.newOrderId();
  static final String BACK = Ids.newOrderId();
  static final String SHORT = Ids.newOrderId();
  static final String NEVER = Ids.newOrderId();

  /** A history touching every kind of state: stock, an open reservation, each way an order closes. */
  static List<Event> history() {
    List<Event> events = new ArrayList<>();
    events.add(new Event.StockSet("A", 10));
    events.add(new Event.StockSet("B", 2));
    events.add(new Event.StockReserved(OPEN, List.of(new io.orderflow.codecs.StockLine("A", 2)), 200, "EUR", "h"));
    events.add(new Event.StockReserved(SOLD, List.of(new io.orderflow.codecs.StockLine("A", 1),
        new io.orderflow.codecs.StockLine("B", 1)), 300, "EUR", "h"));
    events.add(new Event.StockCommitted(SOLD, List.of(new io.orderflow.codecs.StockLine("A", 1), new io.orderflow.codecs.StockLine("B", 1))));
    events.add(new Event.StockReserved(BACK, List.of(new io.orderflow.codecs.StockLine("B", 1)), 100, "EUR", "h"));
    events.add(new Event.StockReleased(BACK, List.of(new io.orderflow.codecs.StockLine("B", 1))));
    events.add(new Event.StockRejected(SHORT, "B", 5, 1));
    events.add(new Event.StockReleased(NEVER, List.of()));
    return events;
  }

  static StockLedger fold(List<Event> events, int from, int to, StockLedger into) {
    for (int i = from; i < to; i++) into.apply(i + 1, events.get(i));
    return into;
  }

  @Test
  void aRestoredSnapshotPlusTheRestOfTheStreamIsTheFoldOfTheWholeStream() throws Exception {
    List<Event> events = history();
    events.add(new Event.StockCommitted(OPEN, List.of(new io.orderflow.codecs.StockLine("A", 2))));
    events.add(new Event.StockSet("C", 7));
    int cut = 9;
    StockLedger whole = fold(events, 0, events.size(), new StockLedger(100));

    byte[] stored = SnapshotCodec.encode(fold(events, 0, cut, new StockLedger(100)).snapshot().ofStream("s1"));
    StockLedger restored = new StockLedger(100);
    restored.restore(SnapshotCodec.decode(stored));
    assertThat(restored.lastSequence()).isEqualTo(cut);
    fold(events, cut, events.size(), restored);

    assertThat(restored.snapshot()).isEqualTo(whole.snapshot());
    for (String sku : List.of("A", "B", "C")) assertThat(restored.level(sku)).isEqualTo(whole.level(sku));
  }

  @Test
  void aRestoredLedgerStillKnowsEveryOrderItHasDecided() throws Exception {
    StockLedger restored = new StockLedger(100);
    restored.restore(SnapshotCodec.decode(SnapshotCodec.encode(fold(history(), 0, 9, new StockLedger(100)).snapshot().ofStream("s1"))));
    for (String order : List.of(OPEN, SOLD, BACK, SHORT, NEVER)) {
      var placed = new Event.OrderPlaced(order, "c-1", List.of(new OrderLine("A", 1, 100)), 100, "EUR", "h");
      assertThat(restored.decideReserve(placed).event()).as(order + " is not reserved twice").isEmpty();
    }
    assertThat(restored.decideCommit(OPEN).event()).containsInstanceOf(Event.StockCommitted.class);
    assertThat(restored.stateOf(SOLD)).contains(StockLedger.State.COMMITTED);
    assertThat(restored.stateOf(NEVER)).contains(StockLedger.State.RELEASED);
  }

  @Test
  void aSmallerClosedCapacityForgetsTheOldestClosedOrdersAsTheFoldWould() throws Exception {
    LedgerSnapshot s = fold(history(), 0, 9, new StockLedger(100)).snapshot();
    StockLedger small = new StockLedger(2);
    small.restore(s);
    assertThat(small.snapshot()).isEqualTo(fold(history(), 0, 9, new StockLedger(2)).snapshot());
  }

  @Test
  void streamIdentityAndSequenceSurviveTheRoundTrip() throws Exception {
    LedgerSnapshot s = fold(history(), 0, 9, new StockLedger(100)).snapshot().ofStream("2025-01-01T00:00:00Z");
    assertThat(SnapshotCodec.decode(SnapshotCodec.encode(s))).isEqualTo(s);
  }

  @Test
  void aFlippedBitIsUnreadable() {
    byte[] data = SnapshotCodec.encode(fold(history(), 0, 9, new StockLedger(100)).snapshot().ofStream("s1"));
    data[data.length / 2] ^= 0x10;
    assertThatThrownBy(() -> SnapshotCodec.decode(data)).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
  }

  @Test
  void aTruncatedSnapshotIsUnreadable() {
    byte[] data = SnapshotCodec.encode(fold(history(), 0, 9, new StockLedger(100)).snapshot().ofStream("s1"));
    assertThatThrownBy(() -> SnapshotCodec.decode(Arrays.copyOf(data, data.length - 3))).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
    assertThatThrownBy(() -> SnapshotCodec.decode(new byte[0])).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
  }

  @Test
  void anotherFormatVersionIsUnreadable() {
    byte[] data = SnapshotCodec.encode(fold(history(), 0, 9, new StockLedger(100)).snapshot().ofStream("s1"));
    ByteBuffer.wrap(data).putInt(4, SnapshotCodec.VERSION + 1);
    assertThatThrownBy(() -> SnapshotCodec.decode(data)).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class)
        .hasMessageContaining("format " + (SnapshotCodec.VERSION + 1));
  }

  @Test
  void onlyAnEmptyLedgerTakesASnapshot() {
    StockLedger used = fold(history(), 0, 2, new StockLedger(100));
    assertThatThrownBy(() -> used.restore(used.snapshot())).isInstanceOf(IllegalStateException.class);
  }
}
