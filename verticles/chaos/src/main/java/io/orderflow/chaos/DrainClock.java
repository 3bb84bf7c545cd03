package io.orderflow.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The backlog of an outage run, sampled over time, and how long it took to empty after recovery. The backlog
 * is the consumers' pending plus unacknowledged messages, and the orders sent before recovery that have not
 * ended. Under a steady load the consumers are never quite idle, so "empty" means back to the normal level:
 * the consumers' backlog at most the highest seen under the same load before the outage, and every order sent
 * before recovery ended.
 */
final class DrainClock {
  /** One look: when, the consumers' backlog (messages), the orders not yet ended and, of those, the ones sent before recovery. */
  record Sample(long nanos, long messages, long openOrders, long openBeforeHeal) {}

  private final List<Sample> samples = new ArrayList<>();
  private long outageNanos = Long.MAX_VALUE;
  private long healedNanos = Long.MAX_VALUE;

  synchronized void add(Sample s) {
    samples.add(s);
  }

  synchronized void outageStarted(long nanos) {
    outageNanos = nanos;
  }

  synchronized void healed(long nanos) {
    healedNanos = nanos;
  }

  synchronized long healedNanos() {
    return healedNanos;
  }

  /** The consumers' normal backlog: the highest before the outage. */
  synchronized long baseline() {
    long b = 0;
    for (Sample s : samples) if (s.nanos() < outageNanos) b = Math.max(b, s.messages());
    return b;
  }

  /** Seconds from recovery until the backlog was back to normal, or NaN if it has not been yet. */
  synchronized double drainSeconds() {
    long baseline = baseline();
    for (Sample s : samples) {
      if (s.nanos() < healedNanos) continue;
      if (s.messages() <= baseline && s.openBeforeHeal() == 0) return (s.nanos() - healedNanos) / 1e9;
    }
    return Double.NaN;
  }

  synchronized boolean drained() {
    return !Double.isNaN(drainSeconds());
  }

  /** The largest consumers' backlog seen (messages). */
  synchronized long maxMessages() {
    return samples.stream().mapToLong(Sample::messages).max().orElse(0);
  }

  /** The most orders open at once. */
  synchronized long maxOpenOrders() {
    return samples.stream().mapToLong(Sample::openOrders).max().orElse(0);
  }
}
