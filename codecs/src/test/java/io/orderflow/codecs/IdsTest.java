package io.orderflow.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written id checks accept exactly what the regexes they replaced accepted. */
class IdsTest {
  private static final Pattern SKU_OR_CUSTOMER = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern ORDER = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  /** The edges of every range in the patterns, and characters that look like them. */
  private static final String BOUNDARIES = "@AZ[`az{/09:_-.G gF f\u00e9\u0130\u0131\u212a\uff10\u0660\n\t\u0000\uD83D\uDE00";

  @Test
  void skusAndCustomerIdsMatchTheirRegex() {
    List<String> tricky = new ArrayList<>(List.of("", "a", "A", "z", "Z", "0", "9", "_", "-", "--", "SKU-MUG-01",
        "a".repeat(64), "a".repeat(65), "a".repeat(63) + "\u00e9", "a".repeat(64) + "\n", "a b", "a.b", "a/b", "a@b",
        "\u00e9", "\u212a", "\u0130", "\uff10", "\u0660", "\uD83D\uDE00", "a\u0000", "\n", " a", "a "));
    tricky.addAll(randomStrings(new Random(64), BOUNDARIES + "abcXYZ123", 70, 20_000));
    for (String s : tricky) {
      boolean expected = SKU_OR_CUSTOMER.matcher(s).matches();
      assertThat(Ids.isSku(s)).as("sku %s", s).isEqualTo(expected);
      assertThat(Ids.isCustomerId(s)).as("customer %s", s).isEqualTo(expected);
    }
    assertThat(Ids.isSku(null)).isFalse();
    assertThat(Ids.isCustomerId(null)).isFalse();
  }

  @Test
  void orderIdsMatchTheirRegex() {
    String valid = "0190f3a2-7c4e-7d1a-9b3f-2e8c5a6d4f10";
    List<String> tricky = new ArrayList<>(List.of("", valid, valid.toUpperCase(), valid + "0", valid.substring(1),
        valid.replace('-', '_'), valid.replace("-", ""), "0190f3a27-c4e-7d1a-9b3f-2e8c5a6d4f10", valid + "\n",
        "-".repeat(36), "0".repeat(36), "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "gggggggg-gggg-gggg-gggg-gggggggggggg", Ids.newOrderId(), Ids.orderIdForIdempotencyKey("c-1", "k")));
    Random random = new Random(36);
    for (int i = 0; i < 20_000; i++) {
      char[] id = (random.nextBoolean() ? UUID.randomUUID().toString() : Ids.newOrderId()).toCharArray();
      for (int edits = random.nextInt(3); edits > 0; edits--) {
        String from = BOUNDARIES + "0123456789abcdefABCDEF";
        id[random.nextInt(id.length)] = from.charAt(random.nextInt(from.length()));
      }
      tricky.add(new String(id));
    }
    tricky.addAll(randomStrings(random, "0af-9gA", 40, 5_000));
    for (String s : tricky) {
      assertThat(Ids.isOrderId(s)).as(s).isEqualTo(ORDER.matcher(s).matches());
    }
    assertThat(Ids.isOrderId(null)).isFalse();
  }

  @Test
  void currencyCodesMatchTheirRegex() {
    List<String> tricky = new ArrayList<>(List.of("", "E", "EU", "EUR", "EURO", "eur", "Eur", "EU1", "@AZ", "[ZA", "E\u00c9R",
        "\u212aRW", "EUR\n", " EUR", "\uD83D\uDE00E"));
    tricky.addAll(randomStrings(new Random(3), "@AZ[`aEUR\u00c9\u212a1 ", 5, 5_000));
    for (String s : tricky) {
      boolean expected = CURRENCY.matcher(s).matches();
      assertThat(Currency.isCode(s)).as(s).isEqualTo(expected);
      if (expected) assertThat(Currency.require(s)).isEqualTo(s);
    }
    assertThat(Currency.isCode(null)).isFalse();
  }

  private static List<String> randomStrings(Random random, String alphabet, int maxLength, int count) {
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder s = new StringBuilder();
      for (int length = random.nextInt(maxLength + 1); s.length() < length; ) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      strings.add(s.toString());
    }
    return strings;
  }
}
