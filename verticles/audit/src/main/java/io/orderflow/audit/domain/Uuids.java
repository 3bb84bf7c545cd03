package io.orderflow.audit.domain;

/**
 * UUIDs in their canonical lowercase form ({@code 8-4-4-4-12} hex digits) as two longs and back, without the
 * allocations of {@link java.util.UUID#fromString}: the audit index looks ids up once per event.
 */
final class Uuids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Uuids() {}

  /** Only this form round-trips exactly: anything else (upper case, no dashes) is kept as a string. */
  static boolean isCanonical(String s) {
    if (s.length() != 36) return false;
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) return false;
    }
    return true;
  }

  static long high(String s) {
    return hex(s, 0, 8) << 32 | hex(s, 9, 13) << 16 | hex(s, 14, 18);
  }

  static long low(String s) {
    return hex(s, 19, 23) << 48 | hex(s, 24, 36);
  }

  static String format(long high, long low) {
    char[] c = new char[36];
    digits(c, 0, high >>> 32, 8);
    c[8] = '-';
    digits(c, 9, high >>> 16, 4);
    c[13] = '-';
    digits(c, 14, high, 4);
    c[18] = '-';
    digits(c, 19, low >>> 48, 4);
    c[23] = '-';
    digits(c, 24, low, 12);
    return new String(c);
  }

  private static long hex(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) v = v << 4 | Character.digit(s.charAt(i), 16);
    return v;
  }

  private static void digits(char[] c, int at, long v, int n) {
    for (int i = n - 1; i >= 0; i--, v >>>= 4) c[at + i] = HEX[(int) (v & 0xF)];
  }
}
