package io.orderflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import io.orderflow.runtime.logging.LogMasking;
import java.util.List;
import java.util.stream.Stream;

/**
 * After a scenario, every line the orderflow processes logged is searched for what must never be there in
 * clear: customers' email addresses, payment tokens and bearer tokens (JWTs). psp-sim (the stand-in gateway,
 * which is handed tokens) and the SMTP sink (which stores the mails) are not orderflow's and are not searched.
 * The kinds are the masking's own rules ({@link LogMasking#secretIn}): a line holding one bypassed the masking.
 */
final class LogHygiene {
  private static final int MAX_FINDINGS = 5;
  private static final List<String> NOT_OURS = List.of("psp-sim", "smtp-sink", "nats");

  private LogHygiene() {}

  /** Up to a few findings (file, line number, what kind of secret; never the secret itself), none when the logs are clean. */
  static List<String> findings(Path dir) {
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) return found;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : files.filter(LogHygiene::isOurs).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size() && found.size() < MAX_FINDINGS; i++) {
          String kind = secretIn(lines.get(i));
          if (kind != null) found.add(log.getFileName() + ":" + (i + 1) + " holds " + kind);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the logs in " + dir, e);
    }
    return found;
  }

  /**
   * The nats-servers' reports of an orderflow identity doing what config/nats/identities.conf does not allow it
   * (a missing rule, or a service overstepping): up to a few, none when every service kept to its permissions.
   */
  static List<String> permissionViolations(Path dir) {
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) return found;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : files.filter(f -> f.getFileName().toString().matches("nats-[0-9]+\\.log")).sorted().toList()) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.contains("Violation") && found.size() < MAX_FINDINGS) found.add(log.getFileName() + ": " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the logs in " + dir, e);
    }
    return found;
  }

  /** The kind of secret the line holds in clear, or null: what the masking every log line passes would have hidden. */
  static String secretIn(String line) {
    return LogMasking.secretIn(line).orElse(null);
  }

  private static boolean isOurs(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".log") && NOT_OURS.stream().noneMatch(name::startsWith);
  }
}
