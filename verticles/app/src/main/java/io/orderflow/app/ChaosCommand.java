package io.orderflow.app;

import io.orderflow.chaos.Chaos;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chaos [--short] [SCENARIO...]}: the fault scenarios. */
@Command(name = "chaos", header = "Fault scenarios against real processes; checks I1-I5.", mixinStandardHelpOptions = true,
    description = "Fault scenarios against real processes (one per service instance, real nats-servers, psp-sim) under an open-loop load of 30 orders/s; checks I1-I5 and prints one line per scenario and a summary. Free ports only; logs of failed scenarios are kept (ORDERFLOW_CHAOS_KEEP=1: all).")
final class ChaosCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--short", description = "scaled timings (20 s outages, 5 s AckWait, 1 s gateway timeout): what `test` runs")
  boolean isShort;

  @Parameters(paramLabel = "SCENARIO", arity = "0..*", completionCandidates = Scenarios.class,
      description = "the scenarios to run (none: every one): ${COMPLETION-CANDIDATES}")
  List<String> scenarios = new ArrayList<>();

  static final class Scenarios implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Chaos.names().iterator();
    }
  }

  @Override
  public Integer call() {
    try {
      return Chaos.run(isShort, scenarios);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
