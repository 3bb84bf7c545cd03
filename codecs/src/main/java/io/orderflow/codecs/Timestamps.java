package io.orderflow.codecs;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * {@link Instant#parse} for event times, with the form {@link Instant#toString} writes (every producer here
 * writes it) read without a formatter: {@code uuuu-MM-ddTHH:mm:ss[.fffffffff]Z}, a four-digit year and one to
 * nine fraction digits. Anything else (an offset, lowercase letters, 24:00, a leap second, a wider year, an
 * invalid date) goes to {@code Instant.parse}, so every result and every error is Instant.parse's.
 */
final class Timestamps {
  /** What one unit of the last fraction digit is worth, by how many digits there are (1 to 9). */
  private static final int[] NANOS_PER_LAST_DIGIT = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  private Timestamps() {}

  static Instant parse(String text) {
    Instant canonical = canonical(text);
    return canonical != null ? canonical : Instant.parse(text);
  }

  /** The instant {@code text} names in the canonical form, or null when it is not in that form. */
  static Instant canonical(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z') return null;
    if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int nano = 0;
    if (length > 20) {
      int fractionDigits = length - 21;
      if (text.charAt(19) != '.' || fractionDigits == 0) return null;
      int fraction = digits(text, 20, fractionDigits);
      if (fraction < 0) return null;
      nano = fraction * NANOS_PER_LAST_DIGIT[fractionDigits - 1];
    }
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second;
    return Instant.ofEpochSecond(epochSecond, nano);
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) return -1;
      value = value * 10 + digit;
    }
    return value;
  }
}
