package io.orderflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After a scenario, every line the orderflow processes logged is searched for what must never be there in
 * clear: customers' email addresses, payment tokens and bearer tokens (JWTs). psp-sim (the stand-in gateway,
 * which is handed tokens) and the SMTP sink (which stores the mails) are not orderflow's and are not searched.
 */
final class LogHygiene {
  private static final int MAX_FINDINGS = 5;
  private static final List<String> NOT_OURS = List.of("psp-sim", "smtp-sink", "nats");
  /** The sender address of orderflow's own mails is configuration, not personal data. */
  private static final String SENDER = "orders@orderflow.local";
  private record Secret(String kind, Pattern pattern) {}

  private static final List<Secret> SECRETS = List.of(
      new Secret("an email address", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}")),
      new Secret("a payment token", Pattern.compile("\\b(?:tok|pm|card)_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*")),
      new Secret("a JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*")));

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

  /** The kind of secret the line holds in clear, or null. */
  static String secretIn(String line) {
    for (Secret s : SECRETS) {
      Matcher m = s.pattern().matcher(line);
      while (m.find()) {
        if (!m.group().equals(SENDER)) return s.kind();
      }
    }
    return null;
  }

  private static boolean isOurs(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".log") && NOT_OURS.stream().noneMatch(name::startsWith);
  }
}
