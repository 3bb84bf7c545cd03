package io.orderflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.launcher.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The development jar's launcher: every command answers --help, and bad options are usage errors (exit 2). */
class LauncherCommandsTest {
  record Result(int exit, String out, String err) {}

  static Result execute(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static List<String> commands() {
    return List.copyOf(Main.commandLine().getSubcommands().keySet()).stream().filter(c -> !c.equals("help") && !c.equals("services")).toList();
  }

  @Test
  void theDevelopmentJarHasEveryCommandTheReadmeNames() {
    assertThat(commands()).containsExactlyInAnyOrder("service", "provision", "token", "backup", "restore", "run", "stop", "demo", "test", "chaos", "bench",
        "gatling", "jmh", "nats-server", "psp-sim", "smtp-sink");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandDescribesItself(String command) {
    Result r = execute(command, "--help");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: orderflow " + command + " ");
  }

  @Test
  void benchRefusesWhatItCannotMeasure() {
    assertThat(execute("bench", "--rate", "0").err()).contains("--rate must be a number greater than 0");
    assertThat(execute("bench", "--rate", "fast").exit()).isEqualTo(2);
    assertThat(execute("bench", "--warmup", "-5").err()).contains("0 or more");
    assertThat(execute("bench", "--history", "1.5").exit()).isEqualTo(2);
    Result both = execute("bench", "--find-max", "--outage", "5");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("choose one");
    assertThat(execute("bench", "--fast").err()).contains("Unknown option: '--fast'");
  }

  @Test
  void chaosRefusesAnUnknownScenarioNamingTheKnownOnes() {
    Result r = execute("chaos", "--short", "no-such-scenario");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown scenario 'no-such-scenario'").contains("gateway-outage").contains("prod-shape");
  }

  @Test
  void runRefusesAClusterWithoutAMajority() {
    Result r = execute("run", "--nats-cluster", "2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--nats-cluster must be 1, 3 or 5");
    assertThat(execute("run", "--instances", "0").err()).contains("--instances must be 1 to 9");
  }

  @Test
  void tokenSaysWhoseTokenItNeedsAndRefusesABadTtl() {
    assertThat(execute("token").exit()).isEqualTo(2);
    assertThat(execute("token", "--customer", "a b").err()).contains("a customer id is");
    assertThat(execute("token", "--admin", "--ttl", "0s").err()).contains("--ttl must be positive");
    assertThat(execute("token", "--admin", "--customer", "c-1").exit()).as("one of them only").isEqualTo(2);
  }

  @Test
  void jmhHandsItsArgumentsToJmhInTheirOrder() {
    var parsed = Main.commandLine().parseArgs("jmh", "StockLedger", "-f", "3", "-wi", "1");
    JmhCommand jmh = (JmhCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(jmh.args).containsExactly("StockLedger", "-f", "3", "-wi", "1");
  }

  @Test
  void anUnknownCommandIsAUsageErrorEvenWithHelp() {
    Result r = execute("deploy", "--help");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument at index 0: 'deploy'");
  }

  @Test
  void noCommandListsTheCommandsAsAUsageError() {
    Result r = execute();
    assertThat(r.exit()).isEqualTo(2);
  }
}
