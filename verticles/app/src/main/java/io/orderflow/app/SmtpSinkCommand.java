package io.orderflow.app;

import io.orderflow.launcher.Processes;
import io.orderflow.runtime.Settings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code smtp-sink}: an SMTP server that keeps every mail as a file, until SIGTERM. */
@Command(name = "smtp-sink", header = "An SMTP server that keeps every mail as a file (development only).", mixinStandardHelpOptions = true,
    description = "An SMTP server on ORDERFLOW_SMTP_PORT (2525) that keeps every mail as an .eml file in ORDERFLOW_MAIL_DIR (.data/mail), until SIGTERM. Development only: not in the production image.")
final class SmtpSinkCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Settings settings = Processes.settings(spec.commandLine());
    Processes.name("smtp-sink");
    SmtpSink.run(settings.port("smtp.port", 2525), Path.of(settings.string("mail.dir", ".data/mail")));
    return 0;
  }
}
