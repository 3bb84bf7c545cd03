package io.orderflow.launcher;

import io.orderflow.codecs.Ids;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.Role;
import io.orderflow.runtime.security.TokenIssuer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A bearer token signed with the development key ({@code auth.jwt.dev-key-dir}, by default {@code .data/jwt},
 * created on first use), alone on standard output (what it is goes to standard error). Production issues
 * tokens with its own identity provider.
 */
@Command(name = "token", header = "A bearer token signed with the development key, alone on stdout.", mixinStandardHelpOptions = true,
    description = "A bearer token for the API, signed with the development key in ORDERFLOW_AUTH_JWT_DEV_KEY_DIR (.data/jwt, made on first use; `run` trusts it), alone on stdout: T=$(./orderflow token --admin)")
final class TokenCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  static final class Whose {
    @Option(names = "--customer", paramLabel = "ID", description = "a customer's token (1-64 letters, digits, '-' or '_')")
    String customer;

    @Option(names = "--admin", arity = "0..1", fallbackValue = "", paramLabel = "NAME", description = "an admin's token")
    String admin;

    @Option(names = "--auditor", arity = "0..1", fallbackValue = "", paramLabel = "NAME", description = "an auditor's token")
    String auditor;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Whose whose;

  @Option(names = "--ttl", defaultValue = "12h", paramLabel = "DURATION", description = "how long it is valid: 30m, 12h, 7d (default ${DEFAULT-VALUE})")
  String ttlText;

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    Role role;
    String subject;
    if (whose.customer != null) {
      if (!Ids.isCustomerId(whose.customer)) throw new CommandLine.ParameterException(cli, "a customer id is 1-64 letters, digits, '-' or '_': " + whose.customer);
      role = Role.CUSTOMER;
      subject = whose.customer;
    } else {
      role = whose.admin != null ? Role.ADMIN : Role.AUDITOR;
      String name = whose.admin != null ? whose.admin : whose.auditor;
      subject = name.isBlank() ? role.claim() : name;
    }
    Duration ttl;
    try {
      ttl = Settings.of(Map.of("ttl", ttlText)).duration("ttl", Duration.ofHours(12));
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(cli, "--ttl: " + e.getMessage());
    }
    if (ttl.isNegative() || ttl.isZero()) throw new CommandLine.ParameterException(cli, "--ttl must be positive");
    Settings settings = Processes.settings(cli);
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
}
