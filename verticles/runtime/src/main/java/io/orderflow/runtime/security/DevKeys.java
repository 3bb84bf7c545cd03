package io.orderflow.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The development signing key: an ES256 key pair in one file ({@value #FILE}, both PEM blocks, readable by
 * its owner only), created on first use. Local runs and tests sign with it; production verifies keys it is
 * given and never holds a private key.
 */
public record DevKeys(String privatePem, String publicPem) {
  public static final String FILE = "jwt-dev-key.pem";

  /** The pair in {@code dir}, created there if missing (written whole and renamed into place, so racing processes agree). */
  public static DevKeys ensure(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      if (!Files.exists(file)) create(dir, file);
      return parse(Files.readString(file), file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create or read the development key " + file + ": " + e.getMessage(), e);
    }
  }

  private static void create(Path dir, Path file) throws IOException {
    Files.createDirectories(dir);
    KeyPair pair;
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      pair = gen.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make an EC P-256 key: " + e.getMessage(), e);
    }
    String both = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
    Path tmp = Files.createTempFile(dir, ".jwt-dev-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, both, StandardCharsets.US_ASCII);
      // A link appears whole and fails if the file exists: when several processes start at once (run --split),
      // the first one's key stays and the others read it. A rename would replace it under whoever read it first.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException another) {
      // another process made it first: use theirs
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static DevKeys parse(String text, Path file) {
    String priv = block(text, "PRIVATE KEY");
    String pub = block(text, "PUBLIC KEY");
    if (priv == null || pub == null) throw new IllegalStateException(file + " does not hold a PEM private and public key; delete it to make a new one");
    return new DevKeys(priv, pub);
  }

  private static String block(String text, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from + 1);
    return from < 0 || to < 0 ? null : text.substring(from, to + end.length()) + "\n";
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
