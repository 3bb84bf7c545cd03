package io.orderflow.app;

import io.orderflow.chaos.Bench;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: how fast orderflow is on this machine, measured from outside. */
@Command(name = "bench", header = "How fast it is, measured from outside (open loop, end to end).", mixinStandardHelpOptions = true,
    description = "How fast it is, measured from outside: a clean system with run's defaults on free ports, the broker's ceilings and the bare pipeline, then an open-loop load of POST /orders (90 %% paid, 5 %% declined, 5 %% out of stock); end-to-end and HTTP latency, broker writes and reads, CPU and memory per process; checks I1-I4 after. Last line JSON; chart and steps in ORDERFLOW_BENCH_DIR (.data/bench). README \"Performance\", docs/performance.md.")
final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--rate", paramLabel = "R", description = "orders per second, open loop (default 100)")
  Double rate;

  @Option(names = "--duration", paramLabel = "S", defaultValue = "60", description = "seconds measured (${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--warmup", paramLabel = "S", defaultValue = "15", description = "seconds at the rate before measuring (${DEFAULT-VALUE}; 0: none)")
  double warmup;

  @Option(names = "--find-max", description = "the highest rate with end-to-end p99 <= 250 ms and no growing backlog, for orderflow and the bare pipeline, and again with sync_interval always (about 30 minutes)")
  boolean findMax;

  @Option(names = "--outage", paramLabel = "S", defaultValue = "0", description = "the gateway down for S s under 20 %% of the maximum (--rate R, else the last --find-max's, else 100/s): the backlog's time to empty after recovery (drain_s)")
  double outage;

  @Option(names = "--history", paramLabel = "N", defaultValue = "0", description = "N completed orders written to the streams first; p99 at half the maximum (--rate R, else 100/s) and each service's start-up, empty against with history")
  int history;

  @Option(names = "--split", description = "one JVM per service instead of one for all")
  boolean split;

  @Override
  public Integer call() {
    Bench.Options options;
    try {
      options = new Bench.Options(rate == null ? 100 : rate, seconds, warmup, findMax, split, Bench.Options.defaultDir(),
          rate != null, outage, history);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return Bench.run(options);
  }
}
