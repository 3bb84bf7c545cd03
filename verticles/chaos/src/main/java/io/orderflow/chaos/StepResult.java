package io.orderflow.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * One constant-rate step of the bench: what was offered and carried, end-to-end and HTTP latency
 * percentiles (ms), the consumers' backlog 20 s in and at the end, CPU per order per process, and whether
 * the step held: p99 within the target and no growing backlog.
 */
record StepResult(String target, double rate, double seconds, long offered, long accepted, long ended, Percentiles e2e, Percentiles http,
                  long backlogEarly, long backlogEnd, Map<String, Double> cpuMsPerOrder, Map<String, Double> rssMb,
                  double writesPerOrder, double readsPerOrder, double deliveriesPerOrder, double p99TargetMs) {

  /** p50/p90/p99/max in ms of a set of latencies in ns; an unfinished order counts as infinitely late. */
  record Percentiles(double p50, double p90, double p99, double max, int count) {
    static Percentiles of(long[] nanos) {
      if (nanos.length == 0) return new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
      long[] s = nanos.clone();
      Arrays.sort(s);
      return new Percentiles(at(s, 0.50), at(s, 0.90), at(s, 0.99), ms(s[s.length - 1]), s.length);
    }

    private static double at(long[] sorted, double q) {
      return ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
    }

    private static double ms(long nanos) {
      return nanos == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : nanos / 1e6;
    }
  }

  /**
   * The consumers' backlog grew by more than one second of arrivals between 20 s in (a third in, for a shorter
   * step) and the end. The backlog counts messages on every consumer, so one second of arrivals is the rate
   * times the deliveries an order makes (about ten in orderflow, five in the bare pipeline).
   */
  boolean growing() {
    return backlogEnd - backlogEarly > rate * Math.max(1, deliveriesPerOrder);
  }

  boolean held() {
    return accepted == offered && e2e.p99() <= p99TargetMs && !growing();
  }

  double cpuTotal() {
    return cpuMsPerOrder.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  String line() {
    return String.format(Locale.ROOT,
        "%-9s rate=%6.1f/s %3.0fs offered=%d accepted=%d ended=%d e2e p50=%s p90=%s p99=%s max=%s http p99=%s backlog %d->%d cpu=%.1fms/order %s",
        target, rate, seconds, offered, accepted, ended, fmt(e2e.p50()), fmt(e2e.p90()), fmt(e2e.p99()), fmt(e2e.max()), fmt(http.p99()),
        backlogEarly, backlogEnd, cpuTotal(), held() ? "HELD" : "FAILED" + (growing() ? " (backlog growing)" : ""));
  }

  static String fmt(double ms) {
    if (Double.isNaN(ms)) return "-";
    if (Double.isInfinite(ms)) return "inf";
    return ms < 10 ? String.format(Locale.ROOT, "%.1fms", ms) : String.format(Locale.ROOT, "%.0fms", ms);
  }
}
