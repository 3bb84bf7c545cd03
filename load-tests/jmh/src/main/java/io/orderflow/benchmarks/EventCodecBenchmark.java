package io.orderflow.benchmarks;

import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.EventType;
import io.orderflow.codecs.Ids;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CloudEvents JSON codec, once per message in every service: {@link EventCodec#encode} before each
 * publish (JetStreamBridge), {@link EventCodec#decode} on each delivery (the consumer runner) and each
 * folded stream message (the stock ledger's tail).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EventCodecBenchmark {
  /** OrderPlaced is the largest event (three lines, request hash); PaymentAuthorized a typical small one. */
  @Param({"ORDER_PLACED", "PAYMENT_AUTHORIZED"})
  public EventType type;

  private Envelope event;
  private byte[] json;

  @Setup
  public void setUp() {
    event = SampleOrder.paid(Ids.newOrderId()).event(type);
    json = EventCodec.encode(event);
    // Measure the path a valid message takes, not the error path.
    if (!(EventCodec.decode(json) instanceof Decoded.Ok ok) || !ok.envelope().equals(event)) {
      throw new IllegalStateException(type + " does not survive encode and decode: " + EventCodec.decode(json));
    }
  }

  @Benchmark
  public byte[] encode() {
    return EventCodec.encode(event);
  }

  @Benchmark
  public Decoded decode() {
    return EventCodec.decode(json);
  }
}
