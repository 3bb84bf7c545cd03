package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the backlog (pending + unacknowledged) of the watched consumers twice a second; keeps the maximum. */
final class Sampler {
  private final Broker broker;
  private final List<Topology.ConsumerSpec> watched;
  private final AtomicLong max = new AtomicLong();
  private final java.util.Map<String, AtomicLong> perConsumer = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean running = true;
  private Thread thread;

  private Sampler(Broker broker, List<Topology.ConsumerSpec> watched) {
    this.broker = broker;
    this.watched = watched;
  }

  static Sampler start(Broker broker, List<Topology.ConsumerSpec> watched) {
    Sampler s = new Sampler(broker, watched);
    s.thread = Thread.ofPlatform().daemon().name("chaos-sampler").start(s::loop);
    return s;
  }

  private void loop() {
    while (running) {
      for (Topology.ConsumerSpec c : watched) {
        try {
          long b = broker.backlog(c);
          max.accumulateAndGet(b, Math::max);
          perConsumer.computeIfAbsent(c.durable(), k -> new AtomicLong()).accumulateAndGet(b, Math::max);
        } catch (Exception e) {
          // the broker is down (a scenario's doing): sample again later
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The largest backlog seen on one consumer. */
  long max(Topology.ConsumerSpec c) {
    AtomicLong m = perConsumer.get(c.durable());
    return m == null ? 0 : m.get();
  }

  long stop() {
    running = false;
    if (thread != null) thread.interrupt();
    return max.get();
  }
}
