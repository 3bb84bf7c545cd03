package io.orderflow.runtime.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.orderflow.runtime.LoopbackPorts;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.NatsConnector;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to NATS ({@code nats.tls.ca}) against a real nats-server with a certificate made for the test (the JDK's
 * keytool, then PEM files the server reads): trusted through the setting, refused without it.
 */
class NatsTlsTest {
  private final Vertx vertx = Vertx.vertx();
  private Process server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A nats-server listening with TLS only, its certificate self-signed for {@code san}; the certificate's PEM file. */
  private record TlsServer(String url, Path cert) {}

  private TlsServer startTlsServer(Path dir, String san) throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server-key.pem");
    selfSigned(dir, cert, key, san);
    int port = LoopbackPorts.free();
    Path conf = dir.resolve("nats.conf");
    Files.writeString(conf, "listen: 127.0.0.1:" + port + "\ntls { cert_file: \"" + cert + "\", key_file: \"" + key + "\" }\n");
    Path log = dir.resolve("nats.log");
    server = new ProcessBuilder(NatsServerBinary.find().toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // Listening: a plain connect is enough to know (a TLS attempt may be refused on purpose).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (var s = new java.net.Socket("127.0.0.1", port)) {
        return new TlsServer("tls://127.0.0.1:" + port, cert);
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !server.isAlive()) throw new IllegalStateException("nats-server not up: " + Files.readString(log));
        server.waitFor(100, TimeUnit.MILLISECONDS);
      }
    }
  }

  @Test
  void aServiceConnectsOverTlsTrustingOnlyTheConfiguredCertificate(@TempDir Path dir) throws Exception {
    TlsServer tls = startTlsServer(dir, "IP:127.0.0.1");

    Settings trusting = Settings.of(Map.of("NATS_URL", tls.url(), "ORDERFLOW_NATS_TLS_CA", tls.cert().toString()));
    Connection nc = NatsConnector.connect(vertx, trusting, "orders").await(20, TimeUnit.SECONDS);
    assertThat(nc.getConnectedUrl()).startsWith("tls://");
    assertThat(nc.getServerInfo().isTLSRequired()).isTrue();
    nc.close();

    // The JDK's own trust store does not know the test's certificate: without the setting, no connection.
    Settings jdkTrust = Settings.of(Map.of("NATS_URL", tls.url(), "ORDERFLOW_NATS_CONNECT_TIMEOUT", "2s"));
    assertThatThrownBy(() -> NatsConnector.connect(vertx, jdkTrust, "orders").await(20, TimeUnit.SECONDS)).isNotNull();

    Settings missingCa = Settings.of(Map.of("NATS_URL", tls.url(), "ORDERFLOW_NATS_TLS_CA", dir.resolve("absent.pem").toString()));
    assertThatThrownBy(() -> NatsConnector.connect(vertx, missingCa, "orders").await(20, TimeUnit.SECONDS))
        .hasMessageContaining("nats.tls");
  }

  @Test
  void aCertificateForAnotherHostIsRefusedThoughTheCaSignedIt(@TempDir Path dir) throws Exception {
    TlsServer tls = startTlsServer(dir, "DNS:nats.elsewhere.example");
    Settings trusting = Settings.of(Map.of("NATS_URL", tls.url(), "ORDERFLOW_NATS_TLS_CA", tls.cert().toString(),
        "ORDERFLOW_NATS_CONNECT_TIMEOUT", "2s"));
    assertThatThrownBy(() -> NatsConnector.connect(vertx, trusting, "orders").await(20, TimeUnit.SECONDS)).isNotNull();
  }

  /** An EC key and a self-signed certificate for 127.0.0.1, written as PEM for nats-server. */
  private static void selfSigned(Path dir, Path cert, Path key, String san) throws Exception {
    Path store = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "nats", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=nats", "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit"))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate("nats").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", ks.getKey("nats", "changeit".toCharArray()).getEncoded()));
  }

  private static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + kind + "-----\n";
  }
}
