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
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * TLS to NATS, when configured: {@code nats.tls.ca} is a PEM file of the certificates that sign the server's
 * (the server is trusted by these alone, not by the JDK's list), and {@code nats.tls.key-store} with
 * {@code nats.tls.key-store-password} a PKCS#12 file with this client's key and certificate, for servers that
 * verify clients ({@code verify: true}). Use a {@code tls://} URL in {@code nats.url}.
 */
public final class NatsTls {
  private NatsTls() {}

  /**
   * The trust manager with the server's host name checked too: jnats sets no endpoint identification on its
   * socket, so without this any certificate the CA signed, for any host, would be taken for the NATS server's.
   * The check is the JDK's own (as for HTTPS), asked for on the socket just before the chain is checked.
   */
  static X509ExtendedTrustManager hostChecking(TrustManagerFactory trust) throws Exception {
    TrustManagerFactory factory = trust;
    if (factory == null) {
      factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
    }
    X509ExtendedTrustManager inner = null;
    for (TrustManager tm : factory.getTrustManagers()) if (tm instanceof X509ExtendedTrustManager x) inner = x;
    if (inner == null) throw new IllegalStateException("no X.509 trust manager");
    X509ExtendedTrustManager delegate = inner;
    return new X509ExtendedTrustManager() {
      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (socket instanceof SSLSocket ssl) {
          SSLParameters p = ssl.getSSLParameters();
          if (p.getEndpointIdentificationAlgorithm() == null) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
          }
        }
        delegate.checkServerTrusted(chain, authType, socket);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        SSLParameters p = engine.getSSLParameters();
        if (p.getEndpointIdentificationAlgorithm() == null) {
          p.setEndpointIdentificationAlgorithm("HTTPS");
          engine.setSSLParameters(p);
        }
        delegate.checkServerTrusted(chain, authType, engine);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the NATS server's host name cannot be checked without its socket");
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
      }
    };
  }

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
      context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {hostChecking(trust)}, null);
      return Optional.of(context);
    } catch (Exception e) {
      throw new IllegalArgumentException("settings nats.tls.*: " + (ca.isPresent() ? "CA file " + ca.get() : "key store " + keyStore.get())
          + " unusable: " + e.getMessage(), e);
    }
  }
}
