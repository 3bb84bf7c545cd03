package io.orderflow.app;

import io.orderflow.chaos.LocalRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code stop}: stops what a previous {@code run} left running. */
@Command(name = "stop", header = "Stops what a previous run left running.", mixinStandardHelpOptions = true,
    description = "Stops what a `run` (in another terminal, or killed) left running: the pid files under .data/.")
final class StopCommand implements Callable<Integer> {
  /** The watchdog's call: act only if that run was killed without stopping its processes. */
  @picocli.CommandLine.Option(names = "--after-run", hidden = true, paramLabel = "PID")
  Long afterRun;

  @Override
  public Integer call() {
    return afterRun != null ? LocalRun.stopAfter(afterRun) : LocalRun.stop();
  }
}
