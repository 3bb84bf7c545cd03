package io.orderflow.codecs;

import java.util.regex.Pattern;

/** ISO 4217 alphabetic codes; the catalog decides which one a shop uses. */
public final class Currency {
  private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

  private Currency() {}

  public static String require(String code) {
    if (code == null || !CODE.matcher(code).matches()) throw new IllegalArgumentException("invalid currency: " + code);
    return code;
  }
}
