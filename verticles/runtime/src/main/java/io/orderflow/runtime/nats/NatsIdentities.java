package io.orderflow.runtime.nats;

import io.orderflow.runtime.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NATS identities of {@code config/nats/identities.conf}: one per service, {@code provisioner}, {@code ops}
 * and {@code backup}. Each connects as user {@code nats.<identity>.user} (default: its name) with password
 * {@code nats.<identity>.password} (environment ORDERFLOW_NATS_&lt;IDENTITY&gt;_PASSWORD, the same variable the
 * server's configuration reads), or with a NATS credentials file {@code nats.<identity>.credentials}.
 */
public final class NatsIdentities {
  public static final String PROVISIONER = "provisioner";
  public static final String OPS = "ops";
  /** Snapshots and restores streams ({@code io.orderflow.runtime.backup}); reads no message any other way. */
  public static final String BACKUP = "backup";
  /** Restores a backup and rewinds its consumers: an operator's, never a schedule's. */
  public static final String RESTORE = "restore";
  public static final List<String> ALL = List.of(PROVISIONER, "orders", "inventory", "payments", "notifications", "audit", OPS, BACKUP,
      RESTORE);
  /** The configuration travels in the runtime jar (tests, chaos and the bench start servers with it). */
  public static final String RESOURCE = "orderflow/nats/identities.conf";

  private NatsIdentities() {}

  /** The setting (and, through {@link Settings#envName}, the environment variable) holding an identity's password. */
  public static String passwordKey(String identity) {
    return "nats." + identity + ".password";
  }

  public static String userKey(String identity) {
    return "nats." + identity + ".user";
  }

  public static String credentialsKey(String identity) {
    return "nats." + identity + ".credentials";
  }

  /** Whether the settings name a secret for this identity (a password or a credentials file). */
  public static boolean configured(Settings settings, String identity) {
    return settings.find(passwordKey(identity)).filter(s -> !s.isBlank()).isPresent()
        || settings.find(credentialsKey(identity)).filter(s -> !s.isBlank()).isPresent();
  }

  /** A fresh random password per identity, keyed by environment variable: for servers a test or chaos starts. */
  public static Map<String, String> randomPasswords() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String id : ALL) out.put(Settings.envName(passwordKey(id)), randomPassword());
    return out;
  }

  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * 32 letters and digits starting with a letter (190 bits): the server parses an environment variable's value as
   * a configuration value, and a leading digit would read as a number.
   */
  public static String randomPassword() {
    String alphabet = LETTERS + "0123456789";
    StringBuilder b = new StringBuilder().append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
    while (b.length() < 32) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    return b.toString();
  }

  /** config/nats/identities.conf as packed into the jar. */
  public static String configuration() {
    try (InputStream in = NatsIdentities.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path (the runtime jar packs config/nats/identities.conf)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * The identities plus one test-harness user allowed everything: fault injection (poison events, refused
   * writes, deleted messages) and history loading need powers no orderflow identity has. Only servers that tests,
   * chaos and the bench start have it; {@code ./orderflow run} and deployments never do.
   */
  public static String withHarness(String user, String password) {
    String conf = configuration();
    String marker = "users = [";
    int at = conf.indexOf(marker);
    if (at < 0) throw new IllegalStateException(RESOURCE + " has no 'users = [' list to add the test harness to");
    String harness = "\n    { user: \"" + user + "\", password: \"" + password + "\" }\n";
    return conf.substring(0, at + marker.length()) + harness + conf.substring(at + marker.length());
  }
}
