package io.orderflow.chaos;

import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.TokenIssuer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code Authorization} headers the harness sends, signed with the run's development key (which its
 * services trust): one customer token per customer id, signed on first use and kept, and one admin token for
 * every read and operator call. A request only looks its header up, so load never signs per request.
 */
final class Tokens implements AutoCloseable {
  /** Longer than any run (the bench's longest is about an hour); a token never expires mid-run. */
  static final Duration TTL = Duration.ofHours(24);
  static final String ADMIN_SUBJECT = "orderflow-chaos";

  /** JWTAuth needs a Vert.x instance; a small one of its own, only signing (synchronous, no event loop work). */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
  private final TokenIssuer issuer;
  private final ConcurrentHashMap<String, String> customers = new ConcurrentHashMap<>();
  private final String admin;

  Tokens(DevKeys keys) {
    this.issuer = TokenIssuer.of(vertx, keys);
    this.admin = bearer(issuer.admin(ADMIN_SUBJECT, TTL));
  }

  /** {@code Bearer <token>} of the customer placing an order: POST /orders needs the body's customerId as subject. */
  String customer(String customerId) {
    return customers.computeIfAbsent(customerId, id -> bearer(issuer.customer(id, TTL)));
  }

  /** {@code Bearer <token>} of an admin: reads any order, stock, the audit log, and the DLQ admin. */
  String admin() {
    return admin;
  }

  /** Signs these customers' tokens now, so a measured step finds them all made. */
  void prepare(Iterable<String> customerIds) {
    for (String id : customerIds) customer(id);
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
