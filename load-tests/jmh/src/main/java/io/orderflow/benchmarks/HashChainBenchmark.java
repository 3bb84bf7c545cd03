package io.orderflow.benchmarks;

import io.orderflow.audit.domain.AuditBlock;
import io.orderflow.audit.domain.HashChain;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.EventType;
import io.orderflow.codecs.Ids;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * The audit log's hash chain over the events' exact JSON, as the audit handler hands it on: the next hash of
 * one entry, sealing a block (the writer), and checking a stored block (every instance, folding the stream).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HashChainBenchmark {
  /** Entries per block (36: six paid orders). The writer batches what arrives within its linger, up to 256; under load, dozens. */
  @Param("36")
  public int blockSize;

  private long firstIndex;
  private String head;
  private String orderPlacedJson;
  private List<AuditBlock.Entry.Unsealed> batch;
  private AuditBlock block;

  @Setup
  public void setUp() {
    List<AuditBlock.Entry.Unsealed> events = new ArrayList<>();
    while (events.size() < 2 * blockSize) {
      for (Envelope e : SampleOrder.paid(Ids.newOrderId()).events()) events.add(unsealed(e));
    }
    // A chain that already has entries: the blocks below continue from its head.
    AuditBlock earlier = HashChain.seal(0, HashChain.GENESIS, events.subList(0, blockSize));
    firstIndex = earlier.nextIndex();
    head = earlier.hash();
    batch = List.copyOf(events.subList(blockSize, 2 * blockSize));
    block = HashChain.seal(firstIndex, head, batch);
    orderPlacedJson = new String(EventCodec.encode(SampleOrder.paid(Ids.newOrderId()).event(EventType.ORDER_PLACED)),
        StandardCharsets.UTF_8);
    if (HashChain.check(block, firstIndex, head) != null) throw new IllegalStateException("the sample block does not continue the chain");
  }

  /** The next chained hash: SHA-256 over the previous hash and an OrderPlaced's JSON (about 700 bytes). */
  @Benchmark
  public String link() {
    return HashChain.link(head, orderPlacedJson);
  }

  @Benchmark
  public AuditBlock sealBlock() {
    return HashChain.seal(firstIndex, head, batch);
  }

  /** Null: the block continues the chain. */
  @Benchmark
  public String checkBlock() {
    return HashChain.check(block, firstIndex, head);
  }

  private static AuditBlock.Entry.Unsealed unsealed(Envelope e) {
    // What the audit handler chains: the exact bytes that were published.
    return new AuditBlock.Entry.Unsealed(e.id(), e.subject(), new String(EventCodec.encode(e), StandardCharsets.UTF_8));
  }
}
