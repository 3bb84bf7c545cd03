package io.orderflow.app;

import io.orderflow.launcher.LauncherCommands;
import java.util.List;

/** What the development jar adds to the launcher: the local run, the harness, the stand-ins and the build tools. */
public final class DevCommands implements LauncherCommands {
  @Override
  public List<Object> commands() {
    return List.of(new RunCommand(), new StopCommand(), new DemoCommand(), new TestCommand(), new ChaosCommand(), new BenchCommand(),
        new GatlingCommand(), new JmhCommand(), new NatsServerCommand(), new PspSimCommand(), new SmtpSinkCommand());
  }
}
