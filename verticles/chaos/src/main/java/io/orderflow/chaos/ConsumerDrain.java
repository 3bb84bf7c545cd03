package io.orderflow.chaos;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.api.ConsumerInfo;
import io.orderflow.runtime.messaging.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Acks everything waiting on the durable consumers, as if the services had handled it (the bench's history,
 * written before they started): every consumer at once, each on a connection of its own (the broker reads a
 * connection on one thread), batches of a thousand acked as they come; a pinned consumer is unpinned after,
 * so the services' first pull gets the pin at once.
 */
final class ConsumerDrain {
  private ConsumerDrain() {}

  /** Drains every consumer with something pending; returns the messages acked. */
  static long drainAll(String urls, Connection nc) throws Exception {
    JetStreamManagement jsm = nc.jetStreamManagement();
    AtomicLong acked = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      if (jsm.getConsumerInfo(c.stream(), c.durable()).getNumPending() == 0) continue;
      threads.add(Thread.ofPlatform().name("history-drain-" + c.durable()).start(() -> {
        try {
          try (Connection own = Bench.connect(urls, "orderflow-bench-drain-" + c.durable())) {
            acked.addAndGet(drain(own, own.jetStreamManagement(), c));
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    for (Thread t : threads) t.join();
    if (failure.get() != null) throw failure.get();
    return acked.get();
  }

  private static long drain(Connection nc, JetStreamManagement jsm, Topology.ConsumerSpec c) throws Exception {
    AtomicLong n = new AtomicLong();
    ConsumeOptions.Builder o = ConsumeOptions.builder().batchSize(1000);
    if (c.pinned()) o.group(c.pinnedGroup());
    MessageConsumer mc = nc.getStreamContext(c.stream()).getConsumerContext(c.durable()).consume(o.build(), m -> {
      m.ack();
      n.incrementAndGet();
    });
    try {
      Wait.until(c.durable() + " drained", Duration.ofMinutes(30), Duration.ofMillis(200), () -> {
        ConsumerInfo ci = jsm.getConsumerInfo(c.stream(), c.durable());
        return ci.getNumPending() == 0 && ci.getNumAckPending() == 0;
      });
    } finally {
      mc.stop();
    }
    if (c.pinned()) {
      try {
        jsm.unpinConsumer(c.stream(), c.durable(), c.pinnedGroup());
      } catch (io.nats.client.JetStreamApiException e) {
        // No pin left to lift (it lapsed when the pulls stopped): the services' first pull gets it anyway.
      }
    }
    return n.get();
  }
}
