package io.orderflow.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Event times read by hand give what Instant.parse gives: the same instant, or the same error. */
class TimestampsTest {
  private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  @Test
  void theCanonicalFormIsReadByHand() {
    Random random = new Random(8601);
    for (int i = 0; i < 50_000; i++) {
      Instant instant = Instant.ofEpochSecond(YEAR_0 + (long) (random.nextDouble() * (YEAR_10000 - YEAR_0)), nanos(random));
      assertThat(Timestamps.canonical(instant.toString())).as(instant.toString()).isEqualTo(instant);
    }
  }

  @Test
  void everyOtherFormIsLeftToInstantParse() {
    List<String> texts = new ArrayList<>(List.of("", "Z", "2026-11-25T10:15:30Z", "2026-11-25T10:15:30.1Z",
        "2026-11-25T10:15:30.12Z", "2026-11-25T10:15:30.123456789Z", "2026-11-25T10:15:30.1234567891Z", "2026-11-25T10:15:30.Z",
        "2026-11-25T10:15:30.000000000Z", "2026-11-25t10:15:30z", "2026-11-25T10:15:30+01:00", "2026-11-25T10:15:30-00:00",
        "2026-11-25T10:15:30+0100", "2026-11-25T10:15:30.5+01:00", "2026-11-25T10:15Z", "2026-11-25T10:15:30",
        "2026-11-25 10:15:30Z", "2026-12-31T23:59:60Z", "2026-12-31T23:58:60Z", "2026-11-25T24:00:00Z", "2026-11-25T24:00:01Z",
        "2026-11-25T23:60:00Z", "2026-02-29T10:15:30Z", "2028-02-29T10:15:30Z", "2100-02-29T10:15:30Z", "2000-02-29T10:15:30Z",
        "2026-04-31T10:15:30Z", "2026-00-10T10:15:30Z", "2026-13-10T10:15:30Z", "2026-11-00T10:15:30Z", "2026-11-32T10:15:30Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
        "+2026-11-25T10:15:30Z", "02026-11-25T10:15:30Z", "20261-11-25T10:15:30Z", "2026-1-25T10:15:30Z",
        "2026-11-25T10:15:30.-1Z", "2026-11-25T10:15:3\u0661Z", "\uff12026-11-25T10:15:30Z", "2026-11-25T10:15:30Z ",
        " 2026-11-25T10:15:30Z", "2026/11/25T10:15:30Z", "2026-11-25T10-15-30Z", "-1000000000-01-01T00:00:00Z"));
    Random random = new Random(3339);
    String alphabet = "0123456789-:.TZtz+ \u0661";
    for (int i = 0; i < 50_000; i++) {
      char[] text = Instant.ofEpochSecond(YEAR_0 + (long) (random.nextDouble() * (YEAR_10000 - YEAR_0)), nanos(random))
          .toString().toCharArray();
      for (int edits = random.nextInt(3); edits > 0; edits--) text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      texts.add(new String(text));
    }
    for (String text : texts) assertParsedLikeInstantParse(text);
  }

  private static void assertParsedLikeInstantParse(String text) {
    Instant expected = null;
    Throwable expectedError = catchThrowable(() -> Instant.parse(text));
    if (expectedError == null) expected = Instant.parse(text);
    Instant[] actual = new Instant[1];
    Throwable actualError = catchThrowable(() -> actual[0] = Timestamps.parse(text));
    if (expectedError == null) {
      assertThat(actualError).as(text).isNull();
      assertThat(actual[0]).as(text).isEqualTo(expected);
    } else {
      assertThat(actualError).as(text).isNotNull().hasSameClassAs(expectedError).hasMessage(expectedError.getMessage());
    }
  }

  /** Whole seconds, millis, micros, nanos, and fractions of every length. */
  private static int nanos(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      default -> random.nextInt(1_000_000_000);
    };
  }
}
