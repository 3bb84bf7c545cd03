package io.orderflow.runtime;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-writer lease in the LEASES bucket (entries expire after the bucket's TTL). The holder renews
 * it with compare-and-set; a holder that could not renew for most of the TTL steps down on its own
 * before another instance can take over, so two holders never overlap while clocks run at similar rates.
 * Services that must not have two writers (inventory's ledger, audit's chain) act only while they hold it;
 * their writes carry a stream-sequence expectation as a second fence.
 */
public final class Lease {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  private final JetStreamBridge bridge;
  private final String name;
  private final String holder;
  private final Duration ttl;
  private final Consumer<Boolean> onChange;
  private long revision;
  private long lastRenewedAt;
  private boolean held;
  private long timer = -1;
  private boolean busy;

  public Lease(JetStreamBridge bridge, String name, String holder, Consumer<Boolean> onChange) {
    this.bridge = bridge;
    this.name = name;
    this.holder = holder;
    this.ttl = Topology.LEASES.ttl();
    this.onChange = onChange;
  }

  /** Starts trying to acquire and renewing; call on the owning verticle's context. */
  public void start() {
    tick();
    timer = bridge.vertx().setPeriodic(ttl.toMillis() / 4, id -> tick());
  }

  public boolean held() {
    return held;
  }

  /** Gives the lease up (on shutdown) so a standby takes over at once instead of after the TTL. */
  public Future<Void> release() {
    if (timer >= 0) bridge.vertx().cancelTimer(timer);
    if (!held) return Future.succeededFuture();
    set(false);
    return bridge.kvDelete(Topology.LEASES, name).recover(e -> Future.succeededFuture());
  }

  private void tick() {
    if (busy) return;
    long now = System.currentTimeMillis();
    if (held && now - lastRenewedAt > ttl.toMillis() * 6 / 10) {
      LOG.warn("lease {}: not renewed for {} ms, stepping down", name, now - lastRenewedAt);
      set(false);
    }
    busy = true;
    byte[] value = holder.getBytes(StandardCharsets.UTF_8);
    Future<Long> attempt = held ? bridge.kvUpdate(Topology.LEASES, name, value, revision) : acquire(value);
    attempt.onComplete(ar -> {
      busy = false;
      if (ar.succeeded()) {
        revision = ar.result();
        lastRenewedAt = now;
        if (!held) set(true);
      } else if (held && JetStreamBridge.isWrongLastSequence(ar.cause())) {
        LOG.warn("lease {}: taken over by another instance", name);
        set(false);
      }
    });
  }

  /** Creates the key, or takes it over when the last holder was this same instance (a restart within the TTL). */
  private Future<Long> acquire(byte[] value) {
    return bridge.kvGet(Topology.LEASES, name).compose(entry -> {
      if (entry.isEmpty()) return bridge.kvCreate(Topology.LEASES, name, value);
      if (new String(entry.get().value(), StandardCharsets.UTF_8).equals(holder)) {
        return bridge.kvUpdate(Topology.LEASES, name, value, entry.get().revision());
      }
      return Future.failedFuture("held by " + new String(entry.get().value(), StandardCharsets.UTF_8));
    });
  }

  private void set(boolean nowHeld) {
    held = nowHeld;
    LOG.info("lease {}: {} by {}", name, nowHeld ? "acquired" : "released", holder);
    onChange.accept(nowHeld);
  }
}
