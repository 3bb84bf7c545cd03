package io.orderflow.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where verification keys come from, and what a misconfiguration says. */
class JwtKeysTest {
  final Vertx vertx = Vertx.vertx();
  @TempDir Path dir;

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void withoutAKeyAServiceDoesNotStartAndSaysWhatToSet() {
    assertThatThrownBy(() -> JwtKeys.options(Settings.of(Map.of())))
        .hasMessageContaining("auth.jwt.public-keys").hasMessageContaining("auth.jwt.jwks");
    assertThatThrownBy(() -> JwtKeys.options(Settings.of(Map.of("ORDERFLOW_AUTH_JWT_HS256_SECRET", "short"))))
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void aFileThatIsNotAPublicKeyIsNamed() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("key.pem"), "hello");
    assertThatThrownBy(() -> JwtKeys.options(Settings.of(Map.of("ORDERFLOW_AUTH_JWT_PUBLIC_KEYS", notAKey.toString()))))
        .hasMessageContaining(notAKey.toString()).hasMessageContaining("not a PEM public key");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> JwtKeys.options(Settings.of(Map.of("ORDERFLOW_AUTH_JWT_PUBLIC_KEYS", missing.toString()))))
        .hasMessageContaining("cannot read");
  }

  @Test
  void theDevelopmentKeyIsMadeOnceAndReadableByItsOwnerOnly() throws Exception {
    DevKeys first = DevKeys.ensure(dir.resolve("jwt"));
    DevKeys again = DevKeys.ensure(dir.resolve("jwt"));
    assertThat(again).isEqualTo(first);
    assertThat(Files.getPosixFilePermissions(dir.resolve("jwt").resolve(DevKeys.FILE)))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    ApiAuth auth = ApiAuth.from(vertx, Settings.of(Map.of("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR", dir.resolve("jwt").toString())));
    String token = TokenIssuer.of(vertx, first).customer("c-1", Duration.ofMinutes(5));
    assertThat(auth.verify(token).await(5, TimeUnit.SECONDS)).isEqualTo(new Caller("c-1", java.util.Set.of(Role.CUSTOMER)));
  }

  @Test
  void processesStartingTogetherAllGetTheOneKeyThatStays() throws Exception {
    // run --split starts five services at once on a fresh checkout, each making the key if it is missing.
    Path keys = dir.resolve("racing");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      var start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<DevKeys>> made = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) made.add(pool.submit(() -> {
        start.await();
        return DevKeys.ensure(keys);
      }));
      start.countDown();
      DevKeys kept = DevKeys.ensure(keys);
      for (var f : made) assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(kept);
      try (var left = Files.list(keys)) {
        assertThat(left.map(f -> f.getFileName().toString()).toList()).containsExactly(DevKeys.FILE);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rsaAndEcPublicKeysVerifyTheirAlgorithmsSideBySide() throws Exception {
    KeyPair rsa = pair("RSA", 2048);
    KeyPair ec = pair("EC", 256);
    Path rsaPem = Files.writeString(dir.resolve("rsa.pem"), pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
    Path ecPem = Files.writeString(dir.resolve("ec.pem"), pem("PUBLIC KEY", ec.getPublic().getEncoded()));
    ApiAuth auth = ApiAuth.from(vertx, Settings.of(Map.of("ORDERFLOW_AUTH_JWT_PUBLIC_KEYS", rsaPem + "," + ecPem)));
    String rs256 = signer("RS256", rsa).admin("ops-1", Duration.ofMinutes(5));
    String es256 = signer("ES256", ec).admin("ops-2", Duration.ofMinutes(5));
    assertThat(auth.verify(rs256).await(5, TimeUnit.SECONDS).subject()).isEqualTo("ops-1");
    assertThat(auth.verify(es256).await(5, TimeUnit.SECONDS).subject()).isEqualTo("ops-2");
    String unknown = signer("ES256", pair("EC", 256)).admin("mallory", Duration.ofMinutes(5));
    assertThatThrownBy(() -> auth.verify(unknown).await(5, TimeUnit.SECONDS)).hasMessageContaining("not valid");
  }

  @Test
  void aJwksWithTwoKeysLetsTokensOfBothThroughDuringARotation() throws Exception {
    KeyPair old = pair("RSA", 2048);
    KeyPair next = pair("RSA", 2048);
    JsonObject jwks = new JsonObject().put("keys", new JsonArray().add(jwk("2026", old)).add(jwk("2027", next)));
    Path file = Files.writeString(dir.resolve("jwks.json"), jwks.encode());
    ApiAuth auth = ApiAuth.from(vertx, Settings.of(Map.of("ORDERFLOW_AUTH_JWT_JWKS", file.toString())));
    for (var k : List.of(Map.entry("2026", old), Map.entry("2027", next))) {
      TokenIssuer issuer = TokenIssuer.of(vertx, new PubSecKeyOptions().setAlgorithm("RS256").setId(k.getKey())
          .setBuffer(pem("PRIVATE KEY", k.getValue().getPrivate().getEncoded())), JwtKeys.DEFAULT_ISSUER, JwtKeys.DEFAULT_AUDIENCE);
      assertThat(auth.verify(issuer.customer("c-" + k.getKey(), Duration.ofMinutes(5))).await(5, TimeUnit.SECONDS).subject())
          .isEqualTo("c-" + k.getKey());
    }
    assertThatThrownBy(() -> JwtKeys.options(Settings.of(Map.of("ORDERFLOW_AUTH_JWT_JWKS",
        Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}").toString())))).hasMessageContaining("has no keys");
  }

  private TokenIssuer signer(String alg, KeyPair pair) {
    return TokenIssuer.of(vertx, new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem("PRIVATE KEY", pair.getPrivate().getEncoded())),
        JwtKeys.DEFAULT_ISSUER, JwtKeys.DEFAULT_AUDIENCE);
  }

  private static JsonObject jwk(String kid, KeyPair pair) {
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", b64(pub.getModulus())).put("e", b64(pub.getPublicExponent()));
  }

  private static String b64(BigInteger n) {
    byte[] bytes = n.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static KeyPair pair(String kind, int size) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance(kind);
    gen.initialize(size);
    return gen.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
