package io.orderflow.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Tokens an attacker would make: unsigned ({@code alg: none}) and valid ones with their claims rewritten. */
final class ForgedTokens {
  private ForgedTokens() {}

  /** An unsigned token claiming the admin role for {@code subject}, otherwise well-formed. */
  static String unsignedAdmin(String subject) {
    long now = System.currentTimeMillis() / 1000;
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(new JsonObject().put("sub", subject)
        .put("roles", new JsonArray().add("admin")).put("iss", "orderflow").put("aud", "orderflow-api").put("exp", now + 3600).encode()) + ".";
  }

  /** A valid token whose payload now claims the admin role, its signature left as it was. */
  static String promotedToAdmin(String token) {
    String[] parts = token.split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    return parts[0] + "." + b64(claims.put("roles", new JsonArray().add("admin")).encode()) + "." + parts[2];
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
