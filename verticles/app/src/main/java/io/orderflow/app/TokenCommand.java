package io.orderflow.app;

import io.orderflow.codecs.Ids;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.Role;
import io.orderflow.runtime.security.TokenIssuer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code token --customer ID | --admin [NAME] | --auditor [NAME] [--ttl 12h]}: a bearer token signed with the
 * development key ({@code auth.jwt.dev-key-dir}, by default {@code .data/jwt}, created on first use), alone on
 * standard output (what it is goes to standard error). Production issues tokens with its own identity provider.
 */
final class TokenCommand {
  private TokenCommand() {}

  static int run(Settings settings, String[] args) throws Exception {
    String subject = null;
    Role role = null;
    Duration ttl = Duration.ofHours(12);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      switch (a) {
        case "--customer" -> {
          if (!hasValue) return usage("--customer needs a customer id");
          role = Role.CUSTOMER;
          subject = args[++i];
          if (!Ids.isCustomerId(subject)) return usage("a customer id is 1-64 letters, digits, '-' or '_': " + subject);
        }
        case "--admin", "--auditor" -> {
          role = a.equals("--admin") ? Role.ADMIN : Role.AUDITOR;
          subject = hasValue ? args[++i] : role.claim();
        }
        case "--ttl" -> {
          if (!hasValue) return usage("--ttl needs a duration such as 30m or 12h");
          try {
            ttl = Settings.of(java.util.Map.of("ttl", args[++i])).duration("ttl", ttl);
          } catch (RuntimeException e) {
            return usage(e.getMessage());
          }
          if (ttl.isNegative() || ttl.isZero()) return usage("--ttl must be positive");
        }
        case "--help", "-h" -> {
          return usage(null);
        }
        default -> {
          return usage("unknown option " + a);
        }
      }
    }
    if (role == null) return usage("say whose token: --customer ID, --admin or --auditor");
    Path dir = Path.of(settings.string("auth.jwt.dev-key-dir", ".data/jwt"));
    Vertx vertx = Vertx.vertx();
    try {
      String token = TokenIssuer.of(vertx, DevKeys.ensure(dir)).issue(subject, List.of(role), ttl);
      // The token alone on standard output, so that T=$(./orderflow token --admin) just works.
      System.err.println("orderflow: " + role.claim() + " token for " + subject + ", valid " + ttl.toMinutes()
          + " min, signed with the development key in " + dir);
      System.out.println(token);
      return 0;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int usage(String problem) {
    if (problem != null) System.err.println("orderflow token: " + problem);
    System.err.println("usage: orderflow token --customer ID | --admin [NAME] | --auditor [NAME] [--ttl 12h]");
    return problem == null ? 0 : 2;
  }
}
