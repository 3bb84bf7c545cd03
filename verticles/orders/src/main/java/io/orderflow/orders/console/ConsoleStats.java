package io.orderflow.orders.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the console shows, folded from the pipeline's events and the broker's readings: orders a second by
 * outcome, end-to-end latency percentiles, backlogs, the payment breaker, dead letters and the latest orders.
 * No I/O and no clock of its own: the feed hands in every event with the second it arrived, so the same
 * inputs always give the same snapshot. Confined to one thread (the feed's context).
 */
final class ConsoleStats {
  static final int WINDOW_SECONDS = 120;
  static final int LATENCY_WINDOW_SECONDS = 30;
  static final int RATE_SECONDS = 5;
  static final int LATEST = 15;
  static final int HISTORY = 20;
  /** Placement times (and endings) remembered: far more than a 30 s outage holds at the rates here. */
  static final int PLACED_REMEMBERED = 200_000;
  /** Latencies kept per second: enough for percentiles, bounded whatever the rate. */
  static final int SAMPLES_PER_SECOND = 2_000;
  /**
   * A payments instance that announced an open or half-open breaker and nothing since is gone (killed, or
   * rescheduled under a new id): an open breaker announces its half-open probe every reset timeout (10 s).
   */
  static final Duration BREAKER_SILENCE = Duration.ofMinutes(2);

  /** One second of the window. */
  private static final class Second {
    final long t;
    int placed;
    int confirmed;
    int cancelled;
    long backlog = -1;
    final List<Long> latenciesMs = new ArrayList<>();
    /** Once the second is over its samples no longer change: sorted once, not at every snapshot. */
    long[] sorted;

    Second(long t) {
      this.t = t;
    }
  }

  record Consumer(String stream, String name, long pending, long ackPending, long redelivered, boolean paused, Instant lastActive) {}

  private record Transition(String state, Instant time, String instance) {}

  private static final class Order {
    final String orderId;
    final Instant placedAt;
    final long totalCents;
    final String currency;
    String status = "PENDING";
    String reason;
    Instant endedAt;

    Order(String orderId, Instant placedAt, long totalCents, String currency) {
      this.orderId = orderId;
      this.placedAt = placedAt;
      this.totalCents = totalCents;
      this.currency = currency;
    }
  }

  private final Deque<Second> seconds = new ArrayDeque<>();
  private final Map<String, Instant> placedAt = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > PLACED_REMEMBERED;
    }
  };
  /** Each order's counted ending ("STATUS/reason"): a publish seen twice counts once. */
  private final Map<String, String> endings = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > PLACED_REMEMBERED;
    }
  };
  private final LinkedHashMap<String, Order> latest = new LinkedHashMap<>();
  private final Map<String, Long> totals = new LinkedHashMap<>(Map.of("placed", 0L, "confirmed", 0L, "cancelled", 0L));
  private final Map<String, Long> cancelReasons = new TreeMap<>();
  private final Map<String, Transition> breakerByInstance = new TreeMap<>();
  private final Deque<Transition> breakerHistory = new ArrayDeque<>();
  private List<Consumer> consumers = List.of();
  private long deadLetters;
  private Instant brokerReadAt;
  private JsonObject gateway;

  void placed(long second, String orderId, Instant time, long totalCents, String currency) {
    if (placedAt.putIfAbsent(orderId, time) != null) return; // a redelivered copy: counted once
    at(second).placed++;
    totals.merge("placed", 1L, Long::sum);
    latest.put(orderId, new Order(orderId, time, totalCents, currency));
    while (latest.size() > LATEST) latest.remove(latest.keySet().iterator().next());
  }

  /**
   * An order's terminal event as published: {@code status} CONFIRMED or CANCELLED, {@code reason} for a
   * cancellation (else null). A subscription sees publishes, not what the stream stored: a repeat of the same
   * ending counts once, and a different second ending (two deciders raced; the stream kept one) is not
   * counted but answered true, so the caller asks the stream which one it kept ({@link #settle}).
   */
  boolean ended(long second, String orderId, String status, String reason, Instant time) {
    String ending = status + "/" + reason;
    String known = endings.get(orderId);
    if (known != null) return !known.equals(ending);
    endings.put(orderId, ending);
    Second s = at(second);
    if (status.equals("CONFIRMED")) s.confirmed++;
    else s.cancelled++;
    count(status, reason, 1);
    Instant placed = placedAt.remove(orderId);
    if (placed != null && s.latenciesMs.size() < SAMPLES_PER_SECOND) s.latenciesMs.add(Math.max(0, Duration.between(placed, time).toMillis()));
    show(orderId, status, reason, time);
    return false;
  }

  /** The ending the stream kept for an order whose endings disagreed: the totals follow it. */
  void settle(String orderId, String status, String reason, Instant time) {
    String ending = status + "/" + reason;
    String counted = endings.put(orderId, ending);
    if (counted == null || counted.equals(ending)) return;
    String[] old = counted.split("/", 2);
    count(old[0], old[1].equals("null") ? null : old[1], -1);
    count(status, reason, 1);
    show(orderId, status, reason, time);
  }

  private void count(String status, String reason, long by) {
    totals.merge(status.toLowerCase(java.util.Locale.ROOT), by, Long::sum);
    if (reason != null) cancelReasons.merge(reason, by, Long::sum);
  }

  private void show(String orderId, String status, String reason, Instant time) {
    Order o = latest.get(orderId);
    if (o != null) {
      o.status = status;
      o.reason = reason;
      o.endedAt = time;
    }
  }

  /** A breaker transition one payments instance announced ({@code closed}, {@code open}, {@code half_open}). */
  void breaker(String state, Instant time, String instance) {
    String key = instance == null ? "" : instance;
    Transition known = breakerByInstance.get(key);
    if (known != null && !time.isAfter(known.time())) return; // an older announcement arriving late
    Transition t = new Transition(state.toLowerCase(java.util.Locale.ROOT), time, instance);
    breakerByInstance.put(key, t);
    breakerHistory.addFirst(t);
    while (breakerHistory.size() > HISTORY) breakerHistory.removeLast();
  }

  void broker(long second, Instant readAt, List<Consumer> consumers, long deadLetters) {
    this.consumers = List.copyOf(consumers);
    this.deadLetters = deadLetters;
    this.brokerReadAt = readAt;
    at(second).backlog = consumers.stream().mapToLong(c -> c.pending() + c.ackPending()).sum();
  }

  /** psp-sim's fault settings, or null where the console may not drive them. */
  void gateway(JsonObject settings) {
    this.gateway = settings;
  }

  /**
   * The breaker as one state: open when any instance's is open (orders for it wait), half-open when any probes,
   * closed when all are; unknown before any instance announced one. An instance silent for
   * {@link #BREAKER_SILENCE} after an open or half-open announcement no longer counts.
   */
  String breakerState(Instant now) {
    var states = breakerByInstance.values().stream()
        .filter(t -> t.state().equals("closed") || now.isBefore(t.time().plus(BREAKER_SILENCE)))
        .map(Transition::state).toList();
    if (states.isEmpty()) return breakerByInstance.isEmpty() ? "unknown" : "closed";
    for (String s : List.of("open", "half_open")) if (states.contains(s)) return s;
    return "closed";
  }

  JsonObject snapshot(long nowSecond, Instant now) {
    at(nowSecond); // the window moves even when nothing happens
    List<Second> window = new ArrayList<>(seconds);
    JsonArray series = new JsonArray();
    JsonArray latencySeries = new JsonArray();
    JsonArray backlogSeries = new JsonArray();
    long lastBacklog = 0;
    for (Second s : window) {
      if (s.t >= nowSecond) break; // the second under way is not over: its counts would read as a dip
      series.add(new JsonObject().put("t", s.t).put("placed", s.placed).put("confirmed", s.confirmed).put("cancelled", s.cancelled));
      long[] sorted = s.t < nowSecond ? sortedOnce(s) : sorted(List.of(s));
      JsonObject l = new JsonObject().put("t", s.t);
      if (sorted.length > 0) l.put("p50", percentile(sorted, 50)).put("p99", percentile(sorted, 99));
      latencySeries.add(l);
      if (s.backlog >= 0) lastBacklog = s.backlog;
      backlogSeries.add(new JsonObject().put("t", s.t).put("value", s.backlog >= 0 ? s.backlog : lastBacklog));
    }
    return new JsonObject()
        .put("time", now.toString())
        .put("window", new JsonObject().put("seconds", WINDOW_SECONDS))
        .put("rates", rates(window, nowSecond))
        .put("totals", new JsonObject(new LinkedHashMap<>(totals)))
        .put("cancelReasons", new JsonObject(new LinkedHashMap<>(cancelReasons)))
        .put("series", series)
        .put("latency", latency(window, nowSecond))
        .put("latencySeries", latencySeries)
        .put("backlog", consumers.stream().mapToLong(c -> c.pending() + c.ackPending()).sum())
        .put("backlogSeries", backlogSeries)
        .put("consumers", consumersJson())
        .put("breaker", breakerJson(now))
        .put("dlq", new JsonObject().put("count", deadLetters))
        .put("brokerReadAt", brokerReadAt == null ? null : brokerReadAt.toString())
        .put("latest", latestJson())
        .put("gateway", gateway);
  }

  /** The last {@value #RATE_SECONDS} whole seconds, averaged: one second alone jumps with every batch. */
  private static JsonObject rates(List<Second> window, long nowSecond) {
    double placed = 0, confirmed = 0, cancelled = 0;
    for (Second s : window) {
      if (s.t >= nowSecond || s.t < nowSecond - RATE_SECONDS) continue;
      placed += s.placed;
      confirmed += s.confirmed;
      cancelled += s.cancelled;
    }
    return new JsonObject().put("placed", round(placed / RATE_SECONDS)).put("confirmed", round(confirmed / RATE_SECONDS))
        .put("cancelled", round(cancelled / RATE_SECONDS));
  }

  private static JsonObject latency(List<Second> window, long nowSecond) {
    long[] sorted = sorted(window.stream().filter(s -> s.t > nowSecond - LATENCY_WINDOW_SECONDS).toList());
    JsonObject j = new JsonObject().put("count", sorted.length).put("windowSeconds", LATENCY_WINDOW_SECONDS);
    if (sorted.length > 0) j.put("p50", percentile(sorted, 50)).put("p95", percentile(sorted, 95)).put("p99", percentile(sorted, 99));
    return j;
  }

  private static long[] sortedOnce(Second s) {
    if (s.sorted == null) s.sorted = sorted(List.of(s));
    return s.sorted;
  }

  private static long[] sorted(List<Second> seconds) {
    long[] all = seconds.stream().flatMap(s -> s.latenciesMs.stream()).mapToLong(Long::longValue).toArray();
    Arrays.sort(all);
    return all;
  }

  /** The nearest-rank percentile: a value that was measured, never an interpolation between two. */
  static double percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private JsonArray consumersJson() {
    JsonArray a = new JsonArray();
    for (Consumer c : consumers) {
      a.add(new JsonObject().put("stream", c.stream()).put("consumer", c.name()).put("pending", c.pending())
          .put("ackPending", c.ackPending()).put("redelivered", c.redelivered()).put("paused", c.paused())
          .put("lastActive", c.lastActive() == null ? null : c.lastActive().toString()));
    }
    return a;
  }

  private JsonObject breakerJson(Instant now) {
    JsonArray history = new JsonArray();
    for (Transition t : breakerHistory) {
      history.add(new JsonObject().put("state", t.state()).put("time", t.time().toString()).put("instance", t.instance()));
    }
    String state = breakerState(now);
    Instant since = breakerHistory.stream().filter(t -> t.state().equals(state)).map(Transition::time).findFirst().orElse(null);
    return new JsonObject().put("state", state).put("since", since == null ? null : since.toString()).put("history", history);
  }

  private JsonArray latestJson() {
    List<Order> newestFirst = new ArrayList<>(latest.values());
    java.util.Collections.reverse(newestFirst);
    JsonArray a = new JsonArray();
    for (Order o : newestFirst) {
      a.add(new JsonObject().put("orderId", o.orderId).put("status", o.status).put("reason", o.reason)
          .put("placedAt", o.placedAt.toString()).put("endedAt", o.endedAt == null ? null : o.endedAt.toString())
          .put("totalCents", o.totalCents).put("currency", o.currency));
    }
    return a;
  }

  /** The bucket of {@code second}, opening the seconds up to it and dropping those that left the window. */
  private Second at(long second) {
    Second last = seconds.peekLast();
    if (last != null && second <= last.t) {
      // An event stamped with a second already passed (it waited for the feed's thread): count it in the newest.
      return last;
    }
    long from = last == null ? second : Math.max(last.t + 1, second - WINDOW_SECONDS + 1);
    for (long t = from; t <= second; t++) seconds.addLast(new Second(t));
    while (seconds.size() > WINDOW_SECONDS) seconds.removeFirst();
    return seconds.peekLast();
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
