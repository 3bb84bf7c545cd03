package io.orderflow.codecs;

/** ISO 4217 alphabetic codes; the catalog decides which one a shop uses. */
public final class Currency {
  private Currency() {}

  public static String require(String code) {
    if (!isCode(code)) throw new IllegalArgumentException("invalid currency: " + code);
    return code;
  }

  /** Three uppercase ASCII letters, {@code [A-Z]{3}}. */
  static boolean isCode(String code) {
    return code != null && code.length() == 3 && isUpper(code.charAt(0)) && isUpper(code.charAt(1)) && isUpper(code.charAt(2));
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
