package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.app.LauncherCommandsTest.Result;
import org.junit.jupiter.api.Test;

/** {@code demo}'s command line; the demo itself (minutes, real processes on run's ports) is run by hand: ./orderflow demo. */
class DemoCommandTest {
  @Test
  void demoSaysWhatItDoesWhereItReadsItsFactsAndHowToStopIt() {
    Result r = LauncherCommandsTest.execute("demo", "--help");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: orderflow demo", "--rate", "--outage", "--keep-running", "/metrics", "./orderflow stop");
  }

  @Test
  void demoRefusesARateOrAnOutageItCannotRunBeforeStartingAnything() {
    Result zero = LauncherCommandsTest.execute("demo", "--rate", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("--rate must be above 0");
    Result soon = LauncherCommandsTest.execute("demo", "--outage", "soon");
    assertThat(soon.exit()).isEqualTo(2);
    assertThat(soon.err()).contains("'soon' is not a duration");
    assertThat(LauncherCommandsTest.execute("demo", "--outage", "0s").err()).contains("--outage must be from 1s to 30m");
  }
}
