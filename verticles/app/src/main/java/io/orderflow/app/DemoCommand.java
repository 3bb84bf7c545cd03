package io.orderflow.app;

import io.orderflow.chaos.Demo;
import io.orderflow.runtime.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo [--rate R] [--outage D] [--keep-running]}: the gateway outage, live and narrated, checked at the end. */
@Command(name = "demo", header = "The system under load while the payment gateway goes down and comes back, narrated.", mixinStandardHelpOptions = true,
    description = "Starts the system as ./orderflow run does (same ports and .data/), prints the console's URL and an admin token to sign in"
        + " with, and drives a steady open-loop order load (9 in 10 paid, 1 in 10 with a declined card; stock far above what sells). After"
        + " 15 s the payment gateway (psp-sim) goes down for --outage, then comes back. Each line, timed from the start, says what happened:"
        + " the breaker opens (payments stops pulling), the backlog grows while orders wait in JetStream, the breaker probes and closes, the"
        + " backlog drains. 10 s later the load stops; once every order is terminal, I1-I5 are checked: no lost order, no double charge,"
        + " stock conserved and never negative, a complete audit log, nothing cancelled for the outage. Exit 0 only when all hold; else 1,"
        + " naming each failure.",
    footer = {"", "Where the narration reads its facts (where the console reads them):",
        "  breaker, orders placed and ended   the management port's /metrics (circuit_breaker_*, orders_*)",
        "  backlog                            JetStream's consumer info, as the ops identity",
        "  the final check                    order API, psp-sim's ledger, inventory, /audit/verify, the DLQ",
        "Refuses to start while run's ports are taken (a ./orderflow run still going: ./orderflow stop).",
        "Stops the system at the end and on Ctrl-C unless --keep-running. About 70 s with the defaults.",
        "Ports and settings as for ./orderflow run (run --help); run's output: .data/logs/demo-run.log."})
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "20", description = "orders per second, open loop (${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--outage", paramLabel = "DURATION", defaultValue = "30s", description = "how long the gateway is down: 30s, 2m (${DEFAULT-VALUE})")
  String outage;

  @Option(names = "--keep-running", description = "leave the system running after the demo (./orderflow stop stops it)")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    Demo.Options options;
    try {
      options = new Demo.Options(rate, duration(outage), keepRunning);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return Demo.run(options);
  }

  /** 30s, 2m, PT45S; a bare number is seconds. */
  private static Duration duration(String text) {
    String t = text.trim();
    try {
      return Settings.of(Map.of("outage", t.matches("[0-9]+") ? t + "s" : t)).duration("outage", Demo.DEFAULT_OUTAGE);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--outage: '" + text + "' is not a duration such as 30s or 2m");
    }
  }
}
