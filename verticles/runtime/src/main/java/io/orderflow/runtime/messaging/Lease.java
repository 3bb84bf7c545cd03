package io.orderflow.runtime.messaging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-writer lease in the LEASES bucket (entries expire after the bucket's TTL). The holder renews
 * it by compare-and-set every quarter TTL; a holder that could not renew for 60 % of the TTL steps down
 * on its own, before the entry can expire and another instance take over, so holders do not overlap
 * while clocks run at similar rates. Stopping the verticle gives the lease up at once, so a standby
 * takes over without waiting for the TTL. Services that must not have two writers (inventory's ledger,
 * audit's chain) act only while they hold it; their writes carry a stream-sequence expectation as a
 * second fence.
 */
public final class Lease extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  private final JetStreamBridge bridge;
  private final String name;
  private final String holder;
  private final Duration ttl;
  private final BooleanSupplier mayLead;
  private final Consumer<Boolean> onChange;
  private long revision;
  private long lastRenewedAt;
  private boolean held;
  private boolean busy;
  private boolean stopped;
  private long timer = -1;

  /**
   * @param mayLead asked before acquiring: an instance that is not ready (still replaying its log) does not lead
   * @param onChange told true on acquiring and false on losing or giving up, on this verticle's context
   */
  public Lease(JetStreamBridge bridge, String name, String holder, BooleanSupplier mayLead, Consumer<Boolean> onChange) {
    this.bridge = bridge;
    this.name = name;
    this.holder = holder;
    this.ttl = Topology.LEASES.ttl();
    this.mayLead = mayLead;
    this.onChange = onChange;
  }

  @Override
  public Future<?> start() {
    tick();
    timer = vertx.setPeriodic(ttl.toMillis() / 4, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (!held) return Future.succeededFuture();
    set(false);
    return bridge.kvDelete(Topology.LEASES, name).recover(e -> Future.succeededFuture());
  }

  public boolean held() {
    return held;
  }

  private void tick() {
    long now = System.currentTimeMillis();
    // Checked before anything else: a renewal stuck in flight must not keep a stale holder leading.
    if (held && now - lastRenewedAt > ttl.toMillis() * 6 / 10) {
      LOG.warn("lease {}: not renewed for {} ms, stepping down", name, now - lastRenewedAt);
      set(false);
    }
    if (busy || stopped || (!held && !mayLead.getAsBoolean())) return;
    busy = true;
    byte[] value = holder.getBytes(StandardCharsets.UTF_8);
    boolean renewing = held;
    Future<Long> attempt = renewing ? bridge.kvUpdate(Topology.LEASES, name, value, revision)
        : bridge.kvCreate(Topology.LEASES, name, value);
    attempt.onComplete(ar -> {
      busy = false;
      if (stopped) return;
      if (ar.succeeded()) {
        revision = ar.result();
        lastRenewedAt = now;
        if (!held) set(true);
      } else if (renewing && held && JetStreamBridge.isWrongLastSequence(ar.cause())) {
        LOG.warn("lease {}: taken over by another instance", name);
        set(false);
      }
    });
  }

  private void set(boolean nowHeld) {
    held = nowHeld;
    LOG.info("lease {}: {} by {}", name, nowHeld ? "acquired" : "given up", holder);
    onChange.accept(nowHeld);
  }
}
