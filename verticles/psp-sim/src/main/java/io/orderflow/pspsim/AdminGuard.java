package io.orderflow.pspsim;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * psp-sim's {@code /admin/*} (faults, ledger) need {@code Authorization: Bearer <admin secret>}: whoever may switch
 * the gateway's faults or wipe its ledger can fake an outage or hide a double charge. psp-sim is a stand-in, so
 * one shared secret ({@code psp.admin-secret}) and not tokens; without one configured the admin API is off.
 */
final class AdminGuard {
  private final byte[] secret;

  AdminGuard(String secret) {
    this.secret = secret == null || secret.isBlank() ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  boolean enabled() {
    return secret != null;
  }

  void check(RoutingContext ctx) {
    if (secret == null) {
      Problem.adminDisabled().send(ctx);
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    // Constant time: the comparison does not tell how many leading characters were right.
    if (presented == null || !MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"psp-sim admin\"");
      Problem.adminUnauthorized(presented == null).send(ctx);
      return;
    }
    ctx.next();
  }
}
