package io.orderflow.loadtests;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs ES256 bearer tokens with a local run's development key ({@value #FILE} in {@code -DdevKeyDir}: a PKCS#8
 * private key and an X.509 public key, both PEM), which the services of that run trust. With the JDK alone,
 * so the simulation needs none of orderflow's modules: the claims are the ones the services check (issuer,
 * audience, subject, roles, expiry).
 */
final class DevKeySigner {
  static final String FILE = "jwt-dev-key.pem";
  /** What the services expect unless their auth.jwt.issuer / auth.jwt.audience say otherwise. */
  static final String ISSUER = "orderflow";
  static final String AUDIENCE = "orderflow-api";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = B64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));

  private final PrivateKey key;

  private DevKeySigner(PrivateKey key) {
    this.key = key;
  }

  /** The key in {@code dir}; never creates one (a new key would be one the running services do not trust). */
  static DevKeySigner load(Path dir) {
    Path file = dir.resolve(FILE);
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("-DdevKeyDir=" + dir + ": cannot read " + file + " (" + e.getMessage()
          + "); it is the folder of the key the services were started with", e);
    }
    int from = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int to = pem.indexOf("-----END PRIVATE KEY-----");
    if (from < 0 || to < from) throw new IllegalArgumentException("-DdevKeyDir=" + dir + ": " + file + " holds no PEM private key");
    String body = pem.substring(from + "-----BEGIN PRIVATE KEY-----".length(), to).replaceAll("\\s", "");
    try {
      return new DevKeySigner(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("-DdevKeyDir=" + dir + ": " + file + " holds no EC private key: " + e.getMessage(), e);
    }
  }

  /** A token for {@code subject} with one role ({@code customer}, {@code admin}), valid for {@code ttl}. */
  String sign(String subject, String role, Duration ttl) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", subject);
    claims.put("roles", List.of(role));
    claims.put("iss", ISSUER);
    claims.put("aud", AUDIENCE);
    claims.put("iat", now);
    claims.put("exp", now + ttl.toSeconds());
    try {
      String signingInput = HEADER + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
      // JWS wants the signature as r || s (64 bytes), not the DER sequence the plain algorithm yields.
      Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
      es256.initSign(key);
      es256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(es256.sign());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token for " + subject + ": " + e.getMessage(), e);
    }
  }
}
