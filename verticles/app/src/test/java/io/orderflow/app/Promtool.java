package io.orderflow.app;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real promtool ({@code ORDERFLOW_PROMTOOL}, else the PATH, else /usr/bin/promtool), run from the project root. Never skipped. */
final class Promtool {
  record Result(int exit, String output) {}

  private Promtool() {}

  static Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs promtool with {@code input} on its standard input (e.g. {@code check metrics}). */
  static Result runWithInput(String input, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Executables.find("ORDERFLOW_PROMTOOL", "promtool", "prometheus").toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(ProjectFiles.root().toFile()).redirectErrorStream(true).start();
      if (input != null) process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      // promtool writes little; reading to the end before waiting cannot dead-lock on a full pipe.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return fail("promtool did not finish within 60 s: " + command);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return fail("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running " + command, e);
    }
  }
}
