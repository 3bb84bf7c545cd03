package io.orderflow.chaos;

import java.util.function.LongConsumer;

/**
 * Open-loop pacing: {@code rate} sends per second for a while, each handed its scheduled time, whatever the
 * system under load does. A late tick sends everything that fell due since, with the times it was due, so
 * latency measured from the scheduled time includes the client's own queueing (no coordinated omission).
 */
final class Pacer {
  private Pacer() {}

  /** Calls {@code send} with each scheduled {@link System#nanoTime()}; returns after the last is handed out. */
  static long drive(double rate, double seconds, LongConsumer send) throws InterruptedException {
    long start = System.nanoTime();
    long total = Math.round(rate * seconds);
    long sent = 0;
    while (sent < total) {
      long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
      for (; sent < due; sent++) send.accept(start + (long) (sent * 1e9 / rate));
      Thread.sleep(1);
    }
    return total;
  }
}
