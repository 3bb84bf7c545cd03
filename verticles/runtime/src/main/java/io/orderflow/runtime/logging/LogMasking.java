package io.orderflow.runtime.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.logstash.logback.mask.ValueMasker;

/**
 * What never reaches a log line in clear: email addresses, payment tokens (gateway tokens such as
 * {@code tok_...}, {@code pm_...}, {@code card_...}), bearer credentials and JWTs, wherever they appear (a
 * message, an exception, an MDC value), and whole values of fields named like secrets. Used by both log
 * formats, so the rules are written once.
 */
public final class LogMasking implements ValueMasker {
  private record Rule(String kind, Pattern pattern, String replacement) {}

  private static final List<Rule> RULES = List.of(
      new Rule("an email address", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"), "***@***"),
      new Rule("a payment token", Pattern.compile("\\b(tok|pm|card|src|ba)_[A-Za-z0-9_]+"), "$1_***"),
      new Rule("a credential", Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+"), "$1 ***"),
      // A JWT on its own (a token quoted in an error): header and payload are base64url JSON, so start with "eyJ".
      new Rule("a JWT", Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"), "eyJ***"));
  private static final Set<String> SECRET_FIELDS = Set.of("paymenttoken", "token", "password", "secret", "authorization", "email");

  /** The text with every address, token and credential replaced. */
  public static String mask(String text) {
    if (text == null || text.isEmpty()) return text;
    // Most values (ids, logger and thread names, plain messages) hold none of the characters the rules need.
    boolean at = text.indexOf('@') >= 0;
    boolean underscore = text.indexOf('_') >= 0;
    boolean credential = mayHoldCredential(text);
    boolean jwt = text.contains("eyJ");
    if (!at && !underscore && !credential && !jwt) return text;
    String out = text;
    if (at) out = RULES.get(0).pattern().matcher(out).replaceAll(RULES.get(0).replacement());
    if (underscore) out = RULES.get(1).pattern().matcher(out).replaceAll(RULES.get(1).replacement());
    if (credential) out = RULES.get(2).pattern().matcher(out).replaceAll(RULES.get(2).replacement());
    if (jwt) out = RULES.get(3).pattern().matcher(out).replaceAll(RULES.get(3).replacement());
    return out;
  }

  /**
   * What kind of secret the text holds in clear ("an email address", ...), or empty: what {@link #mask} would
   * have replaced. A masked text holds none, so a log line that has one bypassed the masking.
   */
  public static java.util.Optional<String> secretIn(String text) {
    if (text == null) return java.util.Optional.empty();
    for (Rule r : RULES) {
      if (r.pattern().matcher(text).find()) return java.util.Optional.of(r.kind());
    }
    return java.util.Optional.empty();
  }

  private static boolean mayHoldCredential(String text) {
    for (int i = text.indexOf(' '); i > 0; i = text.indexOf(' ', i + 1)) {
      if (text.regionMatches(true, Math.max(0, i - 6), "bearer", 0, 6) || text.regionMatches(true, Math.max(0, i - 5), "basic", 0, 5)) return true;
    }
    return false;
  }

  @Override
  public Object mask(JsonStreamContext context, Object value) {
    if (!(value instanceof CharSequence text)) return null;
    String field = context.getCurrentName();
    if (field != null && SECRET_FIELDS.contains(field.toLowerCase(java.util.Locale.ROOT))) return "****";
    String masked = mask(text.toString());
    return masked.contentEquals(text) ? null : masked;
  }
}
