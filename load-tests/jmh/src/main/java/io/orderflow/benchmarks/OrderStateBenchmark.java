package io.orderflow.benchmarks;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventType;
import io.orderflow.codecs.Ids;
import io.orderflow.orders.domain.OrderStatus;
import io.orderflow.orders.domain.OrderTimeline;
import io.orderflow.orders.domain.OrderView;
import java.time.Instant;
import java.util.List;
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
 * The order's state machine in the orders service: a view starts PENDING from OrderPlaced and takes its
 * one terminal event ({@link OrderView}), and an order's whole history folds into its timeline
 * ({@link OrderTimeline}, {@code GET /orders/{id}/timeline}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OrderStateBenchmark {
  private Event.OrderPlaced placed;
  private Instant placedAt;
  private Event confirmed;
  private Instant confirmedAt;
  private List<Envelope> history;

  @Setup
  public void setUp() {
    SampleOrder order = SampleOrder.paid(Ids.newOrderId());
    placed = order.placed();
    placedAt = order.event(EventType.ORDER_PLACED).time();
    confirmed = order.event(EventType.ORDER_CONFIRMED).data();
    confirmedAt = order.event(EventType.ORDER_CONFIRMED).time();
    history = order.events();
    if (confirm().status() != OrderStatus.CONFIRMED || !timeline().complete()) {
      throw new IllegalStateException("the sample order does not end confirmed and complete");
    }
  }

  /** What the saga does when it ends an order (OrderEnding): the pending view, then its outcome. */
  @Benchmark
  public OrderView confirm() {
    return OrderView.placed(placed, placedAt).ended(confirmed, confirmedAt);
  }

  /** The six events of a paid order folded into steps, with nothing left expected. */
  @Benchmark
  public OrderTimeline timeline() {
    return OrderTimeline.of(history).orElseThrow();
  }
}
