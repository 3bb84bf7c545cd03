package io.orderflow.launcher.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.launcher.LauncherCommands;
import io.orderflow.launcher.Main;
import io.orderflow.runtime.Failpoint;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jib layers this module's runtime class path, and the tests run on that class path plus test libraries:
 * what is missing here is missing from the Jib image. (The shaded jar of the Dockerfile's image is read by
 * ServiceJarContentIT.)
 */
class LauncherClassPathTest {

  @ParameterizedTest
  @ValueSource(strings = {"io.orderflow.chaos.EnvFailpointArming", "io.orderflow.chaos.Chaos", "io.orderflow.pspsim.PspSimVerticle",
      "io.orderflow.app.SmtpSink", "io.orderflow.app.DevCommands", "com.icegreen.greenmail.util.GreenMail"})
  void holdsNoDevelopmentCode(String className) {
    assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void armsNoFailpointAndAddsNoDevelopmentCommands() {
    assertThat(ServiceLoader.load(Failpoint.Arming.class)).isEmpty();
    assertThat(ServiceLoader.load(LauncherCommands.class)).isEmpty();
  }

  @Test
  void theLauncherHasOnlyTheProductionCommands() {
    Set<String> commands = new TreeSet<>();
    Main.commandLine().getSubcommands().forEach((name, cli) -> commands.add(cli.getCommandName()));
    assertThat(commands).containsExactly("backup", "help", "provision", "restore", "service", "token");
  }
}
