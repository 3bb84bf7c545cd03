package io.orderflow.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens signed with a dev key are ES256 JWTs the services accept; explicit tokens are checked before any request. */
class CredentialsTest {
  @TempDir
  Path dir;

  private KeyPair pair;

  @BeforeEach
  void devKey() throws Exception {
    // The file as the services' DevKeys writes it: PKCS#8 private key, then X.509 public key.
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    pair = gen.generateKeyPair();
    Files.writeString(dir.resolve(DevKeySigner.FILE), pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  @Test
  void withADevKeyEachCustomerGetsItsOwnTokenOnceAndStockingAnAdminOne() throws Exception {
    var credentials = Credentials.from(settings(Map.of("devKeyDir", dir.toString())));

    assertThat(credentials.customerId("lt-c-42")).isEqualTo("lt-c-42");
    String header = credentials.customer("lt-c-42");
    assertThat(credentials.customer("lt-c-42")).as("signed once, then kept").isSameAs(header);
    JsonNode claims = verified(header);
    assertThat(claims.get("sub").asText()).isEqualTo("lt-c-42");
    assertThat(claims.get("roles").get(0).asText()).isEqualTo("customer");
    assertThat(claims.get("iss").asText()).isEqualTo("orderflow");
    assertThat(claims.get("aud").asText()).isEqualTo("orderflow-api");
    assertThat(claims.get("exp").asLong()).isGreaterThan(claims.get("iat").asLong() + 3600);
    assertThat(verified(credentials.admin().orElseThrow()).get("roles").get(0).asText()).isEqualTo("admin");
  }

  @Test
  void withACustomerTokenItsSubjectPlacesEveryOrderAndWithoutAnAdminTokenNothingIsStocked() {
    String token = DevKeySigner.load(dir).sign("shop-7", "customer", Duration.ofHours(1));
    var credentials = Credentials.from(settings(Map.of("token", token)));

    assertThat(credentials.customerId("lt-c-1")).isEqualTo("shop-7");
    assertThat(credentials.customer("shop-7")).isEqualTo("Bearer " + token);
    assertThat(credentials.admin()).isEmpty();
    assertThat(credentials.describe()).contains("shop-7").contains("skipped");

    String admin = DevKeySigner.load(dir).sign("ops", "admin", Duration.ofHours(1));
    assertThat(Credentials.from(settings(Map.of("token", token, "adminToken", admin))).admin()).contains("Bearer " + admin);
  }

  @Test
  void anExplicitTokenThatCannotWorkFailsTheRunBeforeAnyRequest() {
    var signer = DevKeySigner.load(dir);
    assertThatThrownBy(() -> Credentials.from(settings(Map.of("token", signer.sign("ops", "admin", Duration.ofHours(1))))))
        .hasMessageContaining("-Dtoken must grant the role customer");
    assertThatThrownBy(() -> Credentials.from(settings(Map.of("token", signer.sign("c", "customer", Duration.ofSeconds(-10))))))
        .hasMessageContaining("-Dtoken has expired");
    assertThatThrownBy(() -> Credentials.from(settings(Map.of("token", "t0k")))).hasMessageContaining("-Dtoken is not a JWT");
    String customer = signer.sign("c", "customer", Duration.ofHours(1));
    assertThatThrownBy(() -> Credentials.from(settings(Map.of("token", customer, "adminToken", customer))))
        .hasMessageContaining("-DadminToken must grant the role admin");
  }

  @Test
  void aDevKeyFolderWithoutTheKeyIsRefusedNotFilledWithANewOne() {
    Path empty = dir.resolve("empty");
    assertThatThrownBy(() -> Credentials.from(settings(Map.of("devKeyDir", empty.toString()))))
        .hasMessageContaining("-DdevKeyDir=" + empty);
    assertThat(Files.exists(empty.resolve(DevKeySigner.FILE))).isFalse();
  }

  /** Checks the ES256 signature with the public key, as the services do; the claims. */
  private JsonNode verified(String header) throws Exception {
    assertThat(header).startsWith("Bearer ");
    String[] parts = header.substring(7).split("\\.");
    assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).contains("\"alg\":\"ES256\"");
    Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
    es256.initVerify(pair.getPublic());
    es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(es256.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature").isTrue();
    return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  private static LoadSettings settings(Map<String, String> properties) {
    return LoadSettings.from(new HashMap<>(properties)::get);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
