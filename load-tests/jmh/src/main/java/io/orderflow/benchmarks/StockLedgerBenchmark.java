package io.orderflow.benchmarks;

import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.inventory.domain.StockDecision;
import io.orderflow.inventory.domain.StockLedger;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The inventory's {@link StockLedger}: deciding a three-line reservation, and an order's whole life in the
 * ledger (reserve, fold StockReserved, sell, fold StockCommitted). The ledger is in its steady state: it
 * remembers as many ended orders as it may and forgets the oldest on every close.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StockLedgerBenchmark {
  /**
   * Ended orders the ledger remembers. Production remembers 1,000,000 ({@code inventory.remembered-orders});
   * a tenth keeps the orders in rotation small in memory while the map still far exceeds the CPU caches.
   */
  private static final int REMEMBERED = 100_000;
  /** Orders in rotation, more than the ledger remembers: an order comes back only once it was forgotten. */
  private static final int ORDERS = 1 << 17;
  /** Units per SKU: never runs out, however long the run. */
  private static final long STOCK = 1_000_000_000_000L;

  private StockLedger ledger;
  private long sequence;
  private Event.OrderPlaced[] orders;
  private int next;
  private Event.OrderPlaced newOrder;

  @Setup
  public void setUp() {
    ledger = new StockLedger(REMEMBERED);
    for (String sku : SampleOrder.SKUS) ledger.apply(++sequence, new Event.StockSet(sku, STOCK));
    orders = new Event.OrderPlaced[ORDERS];
    for (int i = 0; i < ORDERS; i++) orders[i] = SampleOrder.placed(Ids.newOrderId());
    for (int i = 0; i < ORDERS; i++) reserveThenSell();
    newOrder = SampleOrder.placed(Ids.newOrderId());
    if (ledger.stateOf(orders[next].orderId()).isPresent()
        || !(decideReserve().event().orElseThrow() instanceof Event.StockReserved)) {
      throw new IllegalStateException("the ledger does not reserve for a new order");
    }
  }

  /** OrderPlaced handled by inventory: all three lines available, so it decides a StockReserved. */
  @Benchmark
  public StockDecision decideReserve() {
    return ledger.decideReserve(newOrder);
  }

  /** One order's whole life in the ledger: two decisions and the two events they stored, folded back. */
  @Benchmark
  public StockDecision reserveThenSell() {
    Event.OrderPlaced order = orders[next];
    next = (next + 1) & (ORDERS - 1);
    ledger.apply(++sequence, ledger.decideReserve(order).event().orElseThrow());
    StockDecision sell = ledger.decideCommit(order.orderId());
    ledger.apply(++sequence, sell.event().orElseThrow());
    return sell;
  }
}
