package io.orderflow.runtime.http;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per client: a token bucket per client, refilled at {@code perSecond} up to {@code burst}; a request
 * finding the bucket empty is answered 429 with {@code Retry-After}. Buckets idle for a minute are dropped,
 * so the map holds only the clients of the last minute.
 */
public final class RateLimiter {
  private static final long IDLE_NANOS = 60_000_000_000L;
  private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;
  private static final int SWEEP_AT = 50_000;
  /** Beyond this many clients in a minute, a new one waits: the map cannot be grown without end by rotating addresses. */
  private static final int MAX_CLIENTS = 200_000;

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }

    void refill(long now, double perSecond, double burst) {
      tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
      refilledAt = now;
    }
  }

  private final double perSecond;
  private final double burst;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

  /** {@code perSecond} may be below 1 (one request a minute is 1/60). */
  public RateLimiter(double perSecond, double burst) {
    if (perSecond <= 0 || burst < 1) throw new IllegalArgumentException("a rate limit needs a rate above 0 and a burst of at least 1");
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Takes one request's token: 0 when it may go, else the milliseconds until a token is back. */
  public long take(String client) {
    Bucket b = buckets.get(client);
    if (b == null) {
      sweepIfDue();
      if (buckets.size() >= MAX_CLIENTS) return 1000;
      b = buckets.computeIfAbsent(client, k -> new Bucket(burst, System.nanoTime()));
    }
    synchronized (b) {
      b.refill(System.nanoTime(), perSecond, burst);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - b.tokens) / perSecond * 1000);
    }
  }

  /** Idle buckets go, at most once a second and only when there are many: one request never pays for a scan of all. */
  private void sweepIfDue() {
    long now = System.nanoTime();
    long last = lastSweep.get();
    if (buckets.size() <= SWEEP_AT || now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) return;
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return now - b.refilledAt > IDLE_NANOS;
      }
    });
  }

  /** Without taking one: the milliseconds until the client's next token, 0 if it has one. */
  public long waitFor(String client) {
    Bucket b = buckets.get(client);
    if (b == null) return 0;
    synchronized (b) {
      b.refill(System.nanoTime(), perSecond, burst);
      return b.tokens >= 1 ? 0 : (long) Math.ceil((1 - b.tokens) / perSecond * 1000);
    }
  }

  /** "100 requests a second", as refusals say it. */
  public String describe() {
    return (perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond)) + " requests a second";
  }

  /** 429 with the seconds to wait. */
  public static void refuse(RoutingContext ctx, long waitMillis, String detail) {
    refusal(ctx, waitMillis, detail).send(ctx);
  }

  /** The 429 to answer, its Retry-After header already set: for a handler that fails its future instead of replying. */
  public static Problem refusal(RoutingContext ctx, long waitMillis, String detail) {
    ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, (waitMillis + 999) / 1000)));
    return Problem.of(429, "Too Many Requests", detail);
  }
}
