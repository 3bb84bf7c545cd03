package io.orderflow.pspsim.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.pspsim.domain.FaultPolicy.Operation;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FaultPolicyTest {

  private static final FaultDecision AT_ONCE = new FaultDecision.Respond(0);
  private static final FaultDecision REFUSE = new FaultDecision.Refuse();

  private static FaultPolicy policy(String mode) {
    return new FaultPolicy(FaultSettings.of(mode, null, null, null, null));
  }

  private static FaultPolicy flaky(double errorRate, long seed) {
    return new FaultPolicy(FaultSettings.of("flaky", null, errorRate, seed, null));
  }

  private static List<FaultDecision> decisions(FaultPolicy policy, int count) {
    return IntStream.range(0, count).mapToObj(i -> policy.decide(Operation.WRITE)).toList();
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void okAnswersEveryRequestAtOnce(Operation operation) {
    assertThat(policy("ok").decide(operation)).isEqualTo(AT_ONCE);
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void downRefusesEveryRequest(Operation operation) {
    assertThat(policy("down").decide(operation)).isEqualTo(REFUSE);
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void slowAnswersEveryRequestAfterTheLatency(Operation operation) {
    FaultPolicy slow = new FaultPolicy(FaultSettings.of("slow", 300L, null, null, null));
    assertThat(slow.decide(operation)).isEqualTo(new FaultDecision.Respond(300));
  }

  @Test
  void slowWaitsTwoSecondsByDefault() {
    assertThat(policy("slow").decide(Operation.READ)).isEqualTo(new FaultDecision.Respond(2_000));
  }

  @Test
  void timeoutAfterChargeWithholdsWritesButAnswersLookups() {
    FaultPolicy policy = policy("timeout-after-charge");
    assertThat(policy.decide(Operation.WRITE)).isEqualTo(new FaultDecision.Withhold());
    assertThat(policy.decide(Operation.READ)).isEqualTo(AT_ONCE);
  }

  @Test
  void onlyTimeoutAfterChargeWithholds() {
    assertThat(policy("timeout-after-charge").withholds()).isTrue();
    assertThat(List.of("ok", "down", "slow", "flaky"))
        .allSatisfy(mode -> assertThat(policy(mode).withholds()).isFalse());
  }

  @Test
  void flakyWithTheSameSeedRefusesTheSameRequests() {
    assertThat(decisions(flaky(0.3, 42), 200)).isEqualTo(decisions(flaky(0.3, 42), 200));
    assertThat(decisions(flaky(0.3, 42), 200)).isNotEqualTo(decisions(flaky(0.3, 43), 200));
  }

  @Test
  void flakyRefusesExactlyWhenRandomOfTheSeedFallsBelowTheErrorRate() {
    Random random = new Random(7);
    List<FaultDecision> expected = IntStream.range(0, 100)
        .mapToObj(i -> random.nextDouble() < 0.5 ? REFUSE : AT_ONCE).toList();

    assertThat(decisions(flaky(0.5, 7), 100)).isEqualTo(expected);
  }

  @Test
  void flakyRefusesAboutTheErrorRateOfRequests() {
    long refused = decisions(flaky(0.3, 42), 1_000).stream().filter(REFUSE::equals).count();
    assertThat(refused).isBetween(250L, 350L);
  }

  @Test
  void flakyWithErrorRateOneRefusesEveryRequestAndZeroNone() {
    assertThat(decisions(flaky(1.0, 1), 500)).containsOnly(REFUSE);
    assertThat(decisions(flaky(0.0, 1), 500)).containsOnly(AT_ONCE);
  }

  @Test
  void flakyRefusesLookupsToo() {
    assertThat(flaky(1.0, 1).decide(Operation.READ)).isEqualTo(REFUSE);
  }

  @Test
  void honoursIdempotencyKeysUnlessToldNotTo() {
    assertThat(policy("ok").honoursIdempotencyKey()).isTrue();
    assertThat(new FaultPolicy(FaultSettings.of("ok", null, null, null, false)).honoursIdempotencyKey()).isFalse();
  }
}
