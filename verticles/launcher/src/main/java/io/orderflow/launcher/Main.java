package io.orderflow.launcher;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of every orderflow JVM, in a container and on a laptop alike: {@code service NAME},
 * {@code provision}, {@code token}, and, in the development jar, the commands that {@link LauncherCommands}
 * providers add ({@code run}, {@code chaos}, {@code bench}, ...). {@code COMMAND --help} describes each.
 * Configuration comes from {@code config/orderflow.properties} (or {@code ORDERFLOW_CONFIG}) and ORDERFLOW_*
 * variables; the exit code is 0 on success, 1 on failure, 2 for a usage error.
 */
@Command(name = "orderflow", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "An order pipeline on Vert.x and NATS JetStream.",
    subcommands = {ServiceCommand.class, ProvisionCommand.class, TokenCommand.class, BackupCommand.class, RestoreCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "COMMAND --help describes a command; the README says what each one is for."})
public final class Main implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int rc = commandLine().execute(args);
    Processes.flushLogs();
    System.exit(rc);
  }

  /** The root command with every subcommand this jar holds. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (LauncherCommands provider : ServiceLoader.load(LauncherCommands.class)) {
      for (Object command : provider.commands()) {
        cli.addSubcommand(command);
        if (command instanceof LauncherCommands.PassThrough) {
          cli.getSubcommands().get(new CommandLine(command).getCommandName()).setUnmatchedOptionsArePositionalParams(true);
        }
      }
    }
    cli.setUsageHelpWidth(110);
    // picocli answers `orderflow NOTACOMMAND --help` with the root's help and exit 0: a command this jar lacks
    // (the production jar has no `run`) must be an error instead.
    cli.setExecutionStrategy(parsed -> {
      if (!parsed.unmatched().isEmpty()) throw new CommandLine.UnmatchedArgumentException(cli, parsed.unmatched());
      return new CommandLine.RunLast().execute(parsed);
    });
    // A failure's message, not a stack trace: what went wrong is logged where it happened.
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("orderflow " + commandLine.getCommandName() + ": " + Processes.describe(e));
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cli;
  }

  @Override
  public Integer call() {
    // No command: the list of commands, and a usage exit code.
    spec.commandLine().usage(System.err);
    return 2;
  }
}
