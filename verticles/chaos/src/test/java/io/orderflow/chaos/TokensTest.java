package io.orderflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.runtime.Settings;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.JwtKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's tokens are what a service started with the run's key directory accepts, and are signed once. */
class TokensTest {
  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aCustomersTokenIsSignedOnceAndNamesThatCustomer() throws Exception {
    try (Tokens tokens = new Tokens(DevKeys.ensure(dir))) {
      String first = tokens.customer("c-7");
      assertThat(first).startsWith("Bearer ");
      assertThat(tokens.customer("c-7")).as("cached: the same header, not a new signature").isSameAs(first);
      JsonObject claims = verify(first);
      assertThat(claims.getString("sub")).isEqualTo("c-7");
      assertThat(claims.getJsonArray("roles")).isEqualTo(new JsonArray(List.of("customer")));
      assertThat(verify(tokens.customer("c-8")).getString("sub")).isEqualTo("c-8");
    }
  }

  @Test
  void theAdminTokenCarriesTheAdminRoleAndOutlivesAnyRun() throws Exception {
    try (Tokens tokens = new Tokens(DevKeys.ensure(dir))) {
      JsonObject claims = verify(tokens.admin());
      assertThat(claims.getJsonArray("roles")).isEqualTo(new JsonArray(List.of("admin")));
      long ttl = claims.getLong("exp") - System.currentTimeMillis() / 1000;
      assertThat(ttl).as("seconds left").isGreaterThan(Tokens.TTL.toSeconds() - 60);
    }
  }

  /** Verifies as a service given {@code auth.jwt.dev-key-dir} (the env var the deployment sets) does; the token's claims. */
  private JsonObject verify(String header) throws Exception {
    Settings settings = Settings.of(Map.of("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR", dir.toString()));
    JWTAuth auth = JWTAuth.create(vertx, JwtKeys.options(settings));
    String token = header.substring("Bearer ".length());
    // The whole payload: the principal leaves out exp, iat and nbf.
    return auth.authenticate(new TokenCredentials(token)).toCompletionStage().toCompletableFuture().get().attributes()
        .getJsonObject("accessToken");
  }
}
