package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the demo says about the system, read where the console reads it: payments' circuit breaker and the order
 * counters from the management port's Prometheus page ({@code circuit_breaker_state}, {@code
 * circuit_breaker_transitions_total}, {@code orders_placed_total}, {@code orders_ended_total}), the backlog
 * (pending plus unacknowledged messages over every consumer) from JetStream's consumer info as the {@code ops}
 * identity. Twice a second it looks, compares with the last look and says what changed, once.
 */
final class DemoWatch {
  /** One look. Order counts are since {@link #start()}: the run may have ended earlier orders after its restart. */
  record Look(long nanos, String breaker, Map<String, Double> transitions, long backlog, long paymentsBacklog, long placed, long ended,
              long cancelled, long cancelledForOutage) {
    long waiting() {
      return placed - ended;
    }

    long transitions(String state) {
      return Math.round(transitions.getOrDefault(state, 0.0));
    }
  }

  private static final List<String> STATES = List.of("closed", "open", "half_open");
  /** Reasons that are an order's own fate (its card): any other cancellation during an outage would break I5. */
  private static final List<String> OWN_FATE = List.of("payment_declined", "payment_invalid", "out_of_stock");
  private static final Duration EVERY = Duration.ofMillis(500);

  private final Run r;
  private final String metricsUrl;
  private final Consumer<String> say;
  private Look zero;
  private Look last;
  private long downNanos;
  private long upNanos;
  private long lastReport;
  /** The normal backlog and orders in flight under this load: the highest before the outage. */
  private long normalBacklog;
  private long normalWaiting;
  private long peakBacklog;
  private long peakWaiting;
  private double drainSeconds = Double.NaN;
  private boolean drainingSaid;
  /** The last look failed: said once, until a look succeeds again. */
  private boolean unreadable;

  DemoWatch(Run r, String mgmt, Consumer<String> say) {
    this.r = r;
    this.metricsUrl = mgmt + "/metrics";
    this.say = say;
  }

  /** The first look: what the counters stood at before the load. */
  void start() throws Exception {
    zero = read(null);
    last = look();
  }

  Look last() {
    return last;
  }

  void gatewayDown() {
    downNanos = System.nanoTime();
    lastReport = downNanos;
  }

  void gatewayUp() {
    upNanos = System.nanoTime();
    lastReport = upNanos;
  }

  /** Looks and narrates for this long. */
  void watch(Duration d) throws Exception {
    long until = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < until) {
      step();
      Thread.sleep(Math.max(1, Math.min(EVERY.toMillis(), (until - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Looks and narrates until the backlog is back to normal after the gateway came back; false when not within {@code limit}. */
  boolean watchUntilDrained(Duration limit) throws Exception {
    long until = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < until) {
      step();
      if (drained()) return true;
      Thread.sleep(EVERY.toMillis()); // the sampling period, not a wait for a condition
    }
    return false;
  }

  private void step() {
    Look now;
    try {
      now = look();
      unreadable = false;
    } catch (Exception e) {
      if (!unreadable) say.accept("cannot read the system's state (" + e.getMessage() + "); trying again");
      unreadable = true;
      return;
    }
    breakerTransitions(last, now);
    if (downNanos == 0) {
      normalBacklog = Math.max(normalBacklog, now.backlog());
      normalWaiting = Math.max(normalWaiting, now.waiting());
    } else {
      peakBacklog = Math.max(peakBacklog, now.backlog());
      peakWaiting = Math.max(peakWaiting, now.waiting());
    }
    // Recovering once the breaker closed after the gateway came back; until then the backlog only grows.
    boolean recovering = upNanos != 0 && "closed".equals(now.breaker());
    if (downNanos != 0 && !recovering && now.nanos() - lastReport >= Duration.ofSeconds(5).toNanos()) {
      lastReport = now.nanos();
      say.accept(String.format(Locale.ROOT, "backlog growing: %s waiting, %s pending (payments-reserved %d); %s",
          count(now.waiting(), "order"), count(now.backlog(), "message"), now.paymentsBacklog(),
          now.cancelledForOutage() == 0 ? "none cancelled for the outage" : now.cancelledForOutage() + " cancelled other than by their card!"));
    }
    if (recovering && Double.isNaN(drainSeconds)) {
      if (isNormal(now)) {
        drainSeconds = (now.nanos() - upNanos) / 1e9;
        say.accept(String.format(Locale.ROOT, "drained: backlog back to normal (%s waiting, %s pending) %.1f s after the gateway came back",
            count(now.waiting(), "order"), count(now.backlog(), "message"), drainSeconds));
      } else if (!drainingSaid || now.nanos() - lastReport >= Duration.ofSeconds(3).toNanos()) {
        drainingSaid = true;
        lastReport = now.nanos();
        say.accept(String.format(Locale.ROOT, "backlog draining: %s waiting, %s pending (payments-reserved %d)",
            count(now.waiting(), "order"), count(now.backlog(), "message"), now.paymentsBacklog()));
      }
    }
    last = now;
  }

  /** As before the outage, with a little room: under load the consumers are never quite idle. */
  private boolean isNormal(Look l) {
    return l.backlog() <= Math.max(normalBacklog, 5) * 2 && l.waiting() <= Math.max(normalWaiting, 5) * 2;
  }

  boolean drained() {
    return !Double.isNaN(drainSeconds);
  }

  double drainSeconds() {
    return drainSeconds;
  }

  long peakBacklog() {
    return peakBacklog;
  }

  long peakWaiting() {
    return peakWaiting;
  }

  /**
   * Says each transition since the last look in the order the breaker goes through them (closed, open,
   * half-open, then open again or closed): a half-open state whose probe succeeds lasts milliseconds, so the
   * counters, not the state, tell that it happened.
   */
  private void breakerTransitions(Look prev, Look now) {
    Map<String, Long> left = new HashMap<>();
    for (String s : STATES) left.put(s, now.transitions(s) - prev.transitions(s));
    String state = prev.breaker();
    for (int i = 0; i < 50 && left.values().stream().anyMatch(n -> n > 0); i++) {
      String next = switch (state) {
        case "open" -> "half_open";
        case "half_open" -> left.get("open") > 0 && (left.get("half_open") > 0 || left.get("closed") == 0) ? "open" : "closed";
        default -> "open";
      };
      if (left.get(next) <= 0) next = STATES.stream().filter(s -> left.get(s) > 0).findFirst().orElseThrow();
      left.merge(next, -1L, Long::sum);
      entered(state, next, now.nanos());
      state = next;
    }
  }

  private void entered(String from, String to, long nanos) {
    switch (to) {
      case "open" -> say.accept(from.equals("half_open") ? "probe failed: breaker open again"
          : "breaker opened" + since(downNanos, upNanos == 0, nanos, "the gateway went down") + ": payments stops pulling, orders wait in JetStream");
      case "half_open" -> say.accept("breaker half-open: payments probes the gateway");
      default -> say.accept("breaker closed" + since(upNanos, upNanos != 0, nanos, "the gateway came back") + ": payments pulls again");
    }
  }

  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String since(long from, boolean applies, long nanos, String what) {
    return from == 0 || !applies ? "" : String.format(Locale.ROOT, ", %.1f s after %s", (nanos - from) / 1e9, what);
  }

  /** A look, order counts relative to {@link #start()}. */
  private Look look() throws Exception {
    return read(zero);
  }

  private Look read(Look base) throws Exception {
    Map<String, Double> m = metrics();
    String breaker = STATES.stream().filter(s -> sum(m, "circuit_breaker_state", "state=\"" + s + "\"") >= 1).findFirst().orElse("unknown");
    Map<String, Double> transitions = new HashMap<>();
    for (String s : STATES) transitions.put(s, sum(m, "circuit_breaker_transitions_total", "state=\"" + s + "\""));
    long placed = Math.round(sum(m, "orders_placed_total"));
    long ended = Math.round(sum(m, "orders_ended_total"));
    long cancelled = Math.round(sum(m, "orders_ended_total", "status=\"cancelled\""));
    long ownFate = 0;
    for (String reason : OWN_FATE) ownFate += Math.round(sum(m, "orders_ended_total", "status=\"cancelled\"", "reason=\"" + reason + "\""));
    long backlog = Bench.backlog(r.broker);
    long payments = r.broker.backlog(Topology.PAYMENTS_RESERVED);
    long forOutage = cancelled - ownFate;
    if (base == null) return new Look(System.nanoTime(), breaker, transitions, backlog, payments, placed, ended, cancelled, forOutage);
    return new Look(System.nanoTime(), breaker, transitions, backlog, payments, placed - base.placed(), ended - base.ended(),
        cancelled - base.cancelled(), forOutage - base.cancelledForOutage());
  }

  /** The management port's Prometheus page as series ({@code name{labels}}) and values; an admin token if it asks for one. */
  private Map<String, Double> metrics() throws Exception {
    Http.Response resp = r.http.send("GET", metricsUrl, null);
    if (resp.status() == 401 || resp.status() == 403) resp = r.http.send("GET", metricsUrl, null, r.tokens.admin());
    if (resp.status() != 200) throw new java.io.IOException("GET " + metricsUrl + " answered " + resp.status());
    Map<String, Double> out = new HashMap<>();
    for (String line : resp.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      try {
        out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      } catch (NumberFormatException e) {
        // not a sample line (a timestamp or an exemplar): not one the demo reads
      }
    }
    return out;
  }

  /** The sum over the series of a metric whose labels contain all of {@code labels} ({@code key="value"}). */
  private static double sum(Map<String, Double> m, String name, String... labels) {
    double total = 0;
    for (var e : m.entrySet()) {
      String series = e.getKey();
      if (!series.equals(name) && !series.startsWith(name + "{")) continue;
      boolean all = true;
      for (String l : labels) all &= series.contains(l);
      if (all) total += e.getValue();
    }
    return total;
  }
}
