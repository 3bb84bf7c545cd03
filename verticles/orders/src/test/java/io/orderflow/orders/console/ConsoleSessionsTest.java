package io.orderflow.orders.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.runtime.security.Caller;
import io.orderflow.runtime.security.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {
  static final Instant T0 = Instant.parse("2026-12-01T01:00:00Z");
  static final Caller ADMIN = new Caller("ops-1", Set.of(Role.ADMIN));

  @Test
  void aSessionEndsWithItsTokenAndNeverLaterThanEightHours() {
    var sessions = new ConsoleSessions();
    var shortToken = sessions.open(ADMIN, T0.plus(Duration.ofMinutes(10)), T0);
    var longToken = sessions.open(ADMIN, T0.plus(Duration.ofDays(30)), T0);
    assertThat(longToken.expiresAt()).isEqualTo(T0.plus(ConsoleSessions.MAX_AGE));
    assertThat(sessions.find(shortToken.id(), T0.plus(Duration.ofMinutes(9)))).isPresent();
    assertThat(sessions.find(shortToken.id(), T0.plus(Duration.ofMinutes(10)))).isEmpty();
  }

  @Test
  void anIdleSessionEndsAndUseKeepsItAlive() {
    var sessions = new ConsoleSessions();
    var s = sessions.open(ADMIN, T0.plus(Duration.ofHours(4)), T0);
    assertThat(sessions.find(s.id(), T0.plus(Duration.ofMinutes(29)))).isPresent();
    assertThat(sessions.find(s.id(), T0.plus(Duration.ofMinutes(58)))).isPresent();
    assertThat(sessions.find(s.id(), T0.plus(Duration.ofMinutes(89)))).isEmpty();
  }

  @Test
  void idsAndCsrfTokensAreRandomAndTheCsrfCheckIsExact() {
    var sessions = new ConsoleSessions();
    var a = sessions.open(ADMIN, T0.plusSeconds(600), T0);
    var b = sessions.open(ADMIN, T0.plusSeconds(600), T0);
    assertThat(a.id()).isNotEqualTo(b.id()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(a.csrf()).isNotEqualTo(b.csrf()).isNotEqualTo(a.id());
    assertThat(a.csrfMatches(a.csrf())).isTrue();
    assertThat(a.csrfMatches(b.csrf())).isFalse();
    assertThat(a.csrfMatches(null)).isFalse();
    assertThat(a.csrfMatches("")).isFalse();
  }

  @Test
  void signingOutEndsTheSessionAndTheOldestGiveWayBeyondTheCap() {
    var sessions = new ConsoleSessions();
    var first = sessions.open(ADMIN, T0.plusSeconds(600), T0);
    for (int i = 0; i < ConsoleSessions.MAX_SESSIONS; i++) sessions.open(ADMIN, T0.plusSeconds(600), T0);
    assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
    assertThat(sessions.find(first.id(), T0)).isEmpty();
    var last = sessions.open(ADMIN, T0.plusSeconds(600), T0);
    sessions.close(last.id());
    assertThat(sessions.find(last.id(), T0)).isEmpty();
    assertThat(sessions.find(null, T0)).isEmpty();
  }
}
