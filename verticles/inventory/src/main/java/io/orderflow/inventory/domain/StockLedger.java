package io.orderflow.inventory.domain;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.StockLine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stock and reservations, event-sourced: {@code decide*} looks at the state and answers which event to
 * publish (never mutating); {@link #apply} folds a stored event into the state. Because the INVENTORY
 * stream is the ledger's log, a reservation exists exactly when its StockReserved event was stored, and
 * the same fold rebuilds the state on every instance. Each order's reservation state is also the
 * handlers' dedupe: a redelivered OrderPlaced finds its reservation and publishes nothing new.
 */
public final class StockLedger {
  /** The order of these is part of {@link SnapshotCodec}'s format: add new states at the end. */
  public enum State { RESERVED, REJECTED, COMMITTED, RELEASED }

  private record Reservation(List<StockLine> lines, State state) {}

  private static final class Stock {
    long available;
    long reserved;
    long sold;
  }

  private final Map<String, Stock> stock = new HashMap<>();
  private final Map<String, Reservation> open = new HashMap<>();
  private final LinkedHashMap<String, State> closed = new LinkedHashMap<>();
  private final int closedCapacity;
  private long lastSequence;

  /** @param closedCapacity how many ended reservations to remember for deduplication (oldest forgotten first) */
  public StockLedger(int closedCapacity) {
    this.closedCapacity = closedCapacity;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public Optional<StockLevel> level(String sku) {
    Stock s = stock.get(sku);
    return s == null ? Optional.empty() : Optional.of(new StockLevel(sku, s.available, s.reserved, s.sold));
  }

  public Optional<State> stateOf(String orderId) {
    Reservation r = open.get(orderId);
    return r != null ? Optional.of(r.state()) : Optional.ofNullable(closed.get(orderId));
  }

  /** All lines at once, or a rejection naming the first SKU (in line order) that is short. */
  public StockDecision decideReserve(Event.OrderPlaced order) {
    if (stateOf(order.orderId()).isPresent()) return StockDecision.nothing("already decided: " + stateOf(order.orderId()).get());
    Map<String, Long> wanted = new LinkedHashMap<>();
    for (OrderLine l : order.lines()) wanted.merge(l.sku(), (long) l.quantity(), Long::sum);
    for (var w : wanted.entrySet()) {
      Stock s = stock.get(w.getKey());
      long available = s == null ? 0 : s.available;
      if (available < w.getValue()) {
        return StockDecision.publish(new Event.StockRejected(order.orderId(), w.getKey(),
            (int) Math.min(Integer.MAX_VALUE, w.getValue()), available));
      }
    }
    List<StockLine> lines = order.lines().stream().map(OrderLine::stock).toList();
    return StockDecision.publish(new Event.StockReserved(order.orderId(), lines, order.totalCents(), order.currency(), order.requestHash()));
  }

  public StockDecision decideCommit(String orderId) {
    Reservation r = open.get(orderId);
    if (r != null) return StockDecision.publish(new Event.StockCommitted(orderId, r.lines()));
    return stateOf(orderId).map(state -> StockDecision.nothing("reservation already " + state)).orElseGet(() -> StockDecision.unknown(orderId, false));
  }

  public StockDecision decideRelease(String orderId) {
    Reservation r = open.get(orderId);
    if (r != null) return StockDecision.publish(new Event.StockReleased(orderId, r.lines()));
    return stateOf(orderId).map(state -> StockDecision.nothing("reservation already " + state)).orElseGet(() -> StockDecision.unknown(orderId, true));
  }

  /** Folds a stored inventory event into the state; events at or below the last applied sequence are ignored. */
  public boolean apply(long sequence, Event event) {
    if (sequence <= lastSequence) return false;
    lastSequence = sequence;
    switch (event) {
      case Event.StockSet e -> stock(e.sku()).available = e.available();
      case Event.StockReserved e -> {
        if (stateOf(e.orderId()).isPresent()) return true;
        for (StockLine l : e.lines()) {
          Stock s = stock(l.sku());
          s.available -= l.quantity();
          s.reserved += l.quantity();
        }
        open.put(e.orderId(), new Reservation(e.lines(), State.RESERVED));
      }
      case Event.StockRejected e -> {
        if (stateOf(e.orderId()).isEmpty()) close(e.orderId(), State.REJECTED);
      }
      case Event.StockCommitted e -> {
        Reservation r = open.remove(e.orderId());
        if (r != null) {
          for (StockLine l : r.lines()) {
            Stock s = stock(l.sku());
            s.reserved -= l.quantity();
            s.sold += l.quantity();
          }
          close(e.orderId(), State.COMMITTED);
        }
      }
      case Event.StockReleased e -> {
        Reservation r = open.remove(e.orderId());
        if (r != null) {
          for (StockLine l : r.lines()) {
            Stock s = stock(l.sku());
            s.reserved -= l.quantity();
            s.available += l.quantity();
          }
          close(e.orderId(), State.RELEASED);
        } else if (stateOf(e.orderId()).isEmpty()) {
          close(e.orderId(), State.RELEASED); // closed without a reservation: nothing may reserve for it later
        }
      }
      default -> {
        // not an inventory event: nothing to fold
      }
    }
    return true;
  }

  /** Moves past a stored message that is not a valid event (it was dead-lettered by the consumers). */
  public void skip(long sequence) {
    lastSequence = Math.max(lastSequence, sequence);
  }

  /**
   * A copy of the whole state at {@link #lastSequence()}: exactly what folding the stream up to there gives.
   * The stream identity is left empty; whoever stores it stamps it ({@link LedgerSnapshot#ofStream}).
   */
  public LedgerSnapshot snapshot() {
    List<StockLevel> levels = new ArrayList<>(stock.size());
    stock.forEach((sku, s) -> levels.add(new StockLevel(sku, s.available, s.reserved, s.sold)));
    List<LedgerSnapshot.Open> reservations = new ArrayList<>(open.size());
    open.forEach((id, r) -> reservations.add(new LedgerSnapshot.Open(id, r.lines())));
    List<LedgerSnapshot.Closed> ended = new ArrayList<>(closed.size());
    closed.forEach((id, state) -> ended.add(new LedgerSnapshot.Closed(id, state)));
    // Sorted so that equal states give equal snapshots (hash maps iterate in no particular order).
    levels.sort(java.util.Comparator.comparing(StockLevel::sku));
    reservations.sort(java.util.Comparator.comparing(LedgerSnapshot.Open::orderId));
    return new LedgerSnapshot(lastSequence, "", levels, reservations, ended);
  }

  /**
   * Takes over a snapshot's state; only on a ledger that has folded nothing yet. A snapshot taken with a larger
   * {@code closedCapacity} loses its oldest closed orders, as the fold itself would have.
   */
  public void restore(LedgerSnapshot s) {
    if (lastSequence != 0 || !stock.isEmpty() || !open.isEmpty() || !closed.isEmpty()) {
      throw new IllegalStateException("a snapshot restores an empty ledger only");
    }
    for (StockLevel l : s.stock()) {
      Stock st = stock(l.sku());
      st.available = l.available();
      st.reserved = l.reserved();
      st.sold = l.sold();
    }
    for (LedgerSnapshot.Open o : s.open()) open.put(o.orderId(), new Reservation(o.lines(), State.RESERVED));
    for (LedgerSnapshot.Closed c : s.closed()) close(c.orderId(), c.state());
    lastSequence = s.sequence();
  }

  public java.util.Set<String> skus() {
    return new LinkedHashSet<>(stock.keySet());
  }

  private Stock stock(String sku) {
    return stock.computeIfAbsent(sku, k -> new Stock());
  }

  private void close(String orderId, State state) {
    closed.put(orderId, state);
    if (closed.size() > closedCapacity) {
      Iterator<String> oldest = closed.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }
}
