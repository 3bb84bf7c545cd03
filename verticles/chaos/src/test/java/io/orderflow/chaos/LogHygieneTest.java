package io.orderflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.runtime.logging.LogMasking;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogHygieneTest {
  private static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjLTEifQ.c2lnbmF0dXJl";

  @Test
  void findsEachKindOfSecretAndNotWhatMaskingLeft() {
    assertThat(LogHygiene.secretIn("mail to ada@example.com failed")).isEqualTo("an email address");
    assertThat(LogHygiene.secretIn("charge with tok_visa declined")).isEqualTo("a payment token");
    assertThat(LogHygiene.secretIn("refused " + JWT)).isEqualTo("a JWT");
    assertThat(LogHygiene.secretIn("Authorization: Basic YWRhOnNlY3JldA==")).isEqualTo("a credential");
    assertThat(LogHygiene.secretIn("order 0190f0e2-aaaa-7bbb-8ccc-123456789abc placed by c-1")).isNull();
    for (String raw : new String[] {"mail to ada@example.com failed", "charge with tok_visa declined", "refused " + JWT,
        "Authorization: Bearer " + JWT}) {
      assertThat(LogHygiene.secretIn(LogMasking.mask(raw))).as(LogMasking.mask(raw)).isNull();
    }
  }

  @Test
  void searchesOrderflowsLogsOnlyAndNamesTheLineNotTheSecret(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("orders.log"), "{\"msg\":\"ok\"}\n{\"msg\":\"to ada@example.com\"}\n");
    Files.writeString(dir.resolve("psp-sim.log"), "{\"msg\":\"tok_visa\"}\n");
    Files.writeString(dir.resolve("smtp-sink.log"), "{\"msg\":\"ada@example.com\"}\n");
    assertThat(LogHygiene.findings(dir)).containsExactly("orders.log:2 holds an email address");
    assertThat(LogHygiene.findings(dir.resolve("missing"))).isEmpty();
  }
}
