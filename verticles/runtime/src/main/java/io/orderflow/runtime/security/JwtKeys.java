package io.orderflow.runtime.security;

import io.orderflow.runtime.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys a process verifies bearer tokens with, from settings. Any mix of:
 * <ul>
 *   <li>{@code auth.jwt.public-keys}: PEM public keys, comma-separated paths (EC keys verify ES256, RSA keys RS256);</li>
 *   <li>{@code auth.jwt.jwks}: a JWKS file with one or more keys, so a new key can be added before the old one goes;</li>
 *   <li>{@code auth.jwt.dev-key-dir}: the development key pair in that folder, created there if missing
 *       ({@code ./orderflow run} and {@code ./orderflow token} share {@code .data/jwt});</li>
 *   <li>{@code auth.jwt.hs256-secret}: a shared secret of at least 32 bytes, for local runs only.</li>
 * </ul>
 * Tokens must name {@code auth.jwt.issuer} and {@code auth.jwt.audience}, and carry an expiry.
 */
public final class JwtKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);
  public static final String DEFAULT_ISSUER = "orderflow";
  public static final String DEFAULT_AUDIENCE = "orderflow-api";

  private JwtKeys() {}

  /** True when the settings name at least one key. */
  public static boolean configured(Settings settings) {
    return settings.find("auth.jwt.public-keys").isPresent() || settings.find("auth.jwt.jwks").isPresent()
        || settings.find("auth.jwt.dev-key-dir").isPresent() || settings.find("auth.jwt.hs256-secret").isPresent();
  }

  public static JWTAuthOptions options(Settings settings) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setIssuer(settings.string("auth.jwt.issuer", DEFAULT_ISSUER))
        .setAudience(List.of(settings.string("auth.jwt.audience", DEFAULT_AUDIENCE)))
        .setLeeway((int) settings.duration("auth.jwt.leeway", java.time.Duration.ofSeconds(30)).toSeconds()));
    settings.find("auth.jwt.public-keys").ifPresent(paths -> {
      for (String path : paths.split(",")) {
        if (!path.isBlank()) options.addPubSecKey(publicKey(Path.of(path.trim()), "auth.jwt.public-keys"));
      }
    });
    settings.find("auth.jwt.jwks").ifPresent(path -> options.setJwks(jwks(Path.of(path))));
    settings.find("auth.jwt.dev-key-dir").ifPresent(dir -> {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(DevKeys.ensure(Path.of(dir)).publicPem()));
    });
    settings.find("auth.jwt.hs256-secret").ifPresent(secret -> {
      if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        throw new IllegalStateException("auth.jwt.hs256-secret must be at least 32 bytes; better, use public keys (auth.jwt.public-keys)");
      }
      LOG.warn("verifying HS256 tokens with a shared secret: fine for a local run, not for production (use auth.jwt.public-keys or auth.jwt.jwks)");
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret));
    });
    boolean noKeys = options.getPubSecKeys() == null || options.getPubSecKeys().isEmpty();
    if (noKeys && (options.getJwks() == null || options.getJwks().isEmpty())) {
      throw new IllegalStateException("no key to verify bearer tokens with: set auth.jwt.public-keys (PEM files), auth.jwt.jwks "
          + "(a JWKS file) or auth.jwt.dev-key-dir (a development key); see the README's Security model");
    }
    return options;
  }

  /** A PEM public key, its algorithm told by its type: EC → ES256, RSA → RS256. */
  static PubSecKeyOptions publicKey(Path path, String setting) {
    String pem = read(path, setting);
    if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalStateException(setting + ": " + path + " is not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    return new PubSecKeyOptions().setAlgorithm(algorithmOf(pem, path, setting)).setBuffer(pem);
  }

  private static String algorithmOf(String pem, Path path, String setting) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      var spec = new java.security.spec.X509EncodedKeySpec(Base64.getDecoder().decode(body));
      for (String[] kind : new String[][] {{"EC", "ES256"}, {"RSA", "RS256"}}) {
        try {
          java.security.KeyFactory.getInstance(kind[0]).generatePublic(spec);
          return kind[1];
        } catch (java.security.spec.InvalidKeySpecException notThisKind) {
          // try the next
        }
      }
    } catch (IllegalArgumentException | java.security.NoSuchAlgorithmException e) {
      // reported below
    }
    throw new IllegalStateException(setting + ": " + path + " holds neither an EC nor an RSA public key");
  }

  private static List<JsonObject> jwks(Path path) {
    JsonArray keys;
    try {
      keys = new JsonObject(read(path, "auth.jwt.jwks")).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalStateException("auth.jwt.jwks: " + path + " is not a JWKS document: " + e.getMessage(), e);
    }
    if (keys == null || keys.isEmpty()) throw new IllegalStateException("auth.jwt.jwks: " + path + " has no keys");
    List<JsonObject> out = new ArrayList<>();
    for (Object k : keys) {
      if (!(k instanceof JsonObject key) || key.getString("kty") == null) {
        throw new IllegalStateException("auth.jwt.jwks: " + path + " has a key without kty");
      }
      out.add(key);
    }
    return out;
  }

  private static String read(Path path, String setting) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalStateException(setting + ": cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
