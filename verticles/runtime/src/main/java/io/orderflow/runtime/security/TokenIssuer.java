package io.orderflow.runtime.security;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** Signs bearer tokens: {@code ./orderflow token}, the tests and the bench's load. Never used by a service. */
public final class TokenIssuer {
  private final JWTAuth signer;
  private final String algorithm;
  private final String issuer;
  private final String audience;

  private TokenIssuer(JWTAuth signer, String algorithm, String issuer, String audience) {
    this.signer = signer;
    this.algorithm = algorithm;
    this.issuer = issuer;
    this.audience = audience;
  }

  /** Signs ES256 with the development key. */
  public static TokenIssuer of(Vertx vertx, DevKeys keys) {
    return of(vertx, new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(keys.privatePem()), JwtKeys.DEFAULT_ISSUER, JwtKeys.DEFAULT_AUDIENCE);
  }

  /** Signs HS256 with a shared secret (tests). */
  public static TokenIssuer hs256(Vertx vertx, String secret) {
    return of(vertx, new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret), JwtKeys.DEFAULT_ISSUER, JwtKeys.DEFAULT_AUDIENCE);
  }

  /** Signs with any key (tests sign with wrong keys, issuers and audiences on purpose). */
  public static TokenIssuer of(Vertx vertx, PubSecKeyOptions key, String issuer, String audience) {
    return new TokenIssuer(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key)), key.getAlgorithm(), issuer, audience);
  }

  public String customer(String customerId, Duration ttl) {
    return issue(customerId, List.of(Role.CUSTOMER), ttl);
  }

  public String admin(String subject, Duration ttl) {
    return issue(subject, List.of(Role.ADMIN), ttl);
  }

  public String issue(String subject, Collection<Role> roles, Duration ttl) {
    JsonArray claim = new JsonArray();
    roles.forEach(r -> claim.add(r.claim()));
    return issue(new JsonObject().put("roles", claim), subject, ttl);
  }

  /** A token with these extra claims; a negative ttl makes one that has already expired. */
  public String issue(JsonObject claims, String subject, Duration ttl) {
    JWTOptions options = new JWTOptions().setAlgorithm(algorithm).setSubject(subject).setIssuer(issuer).setAudience(List.of(audience));
    if (ttl.isNegative()) {
      long now = System.currentTimeMillis() / 1000;
      claims = claims.copy().put("iat", now + ttl.toSeconds() - 60).put("exp", now + ttl.toSeconds());
      options.setNoTimestamp(true);
    } else {
      options.setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds()));
    }
    return signer.generateToken(claims, options);
  }
}
