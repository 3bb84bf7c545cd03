package io.orderflow.runtime.nats;

import io.orderflow.runtime.Settings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to NATS, when configured: {@code nats.tls.ca} is a PEM file of the certificates that sign the server's
 * (the server is trusted by these alone, not by the JDK's list), and {@code nats.tls.key-store} with
 * {@code nats.tls.key-store-password} a PKCS#12 file with this client's key and certificate, for servers that
 * verify clients ({@code verify: true}). Use a {@code tls://} URL in {@code nats.url}.
 */
public final class NatsTls {
  private NatsTls() {}

  public static Optional<SSLContext> from(Settings settings) {
    var ca = settings.find("nats.tls.ca").filter(s -> !s.isBlank());
    var keyStore = settings.find("nats.tls.key-store").filter(s -> !s.isBlank());
    if (ca.isEmpty() && keyStore.isEmpty()) return Optional.empty();
    try {
      TrustManagerFactory trust = null;
      if (ca.isPresent()) {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(ca.get()))) {
          int i = 0;
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) anchors.setCertificateEntry("ca-" + i++, c);
          if (i == 0) throw new IllegalArgumentException("no certificate in it");
        }
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
      }
      KeyManagerFactory keys = null;
      if (keyStore.isPresent()) {
        char[] password = settings.string("nats.tls.key-store-password", "").toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keyStore.get()))) {
          store.load(in, password);
        }
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (Exception e) {
      throw new IllegalArgumentException("settings nats.tls.*: " + (ca.isPresent() ? "CA file " + ca.get() : "key store " + keyStore.get())
          + " unusable: " + e.getMessage(), e);
    }
  }
}
