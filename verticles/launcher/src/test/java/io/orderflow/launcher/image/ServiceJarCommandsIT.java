package io.orderflow.launcher.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.launcher.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production jar, started the way the image starts it: the Dockerfile's ENTRYPOINT (its JVM flags
 * included) with this machine's java and the jar Maven built, in a working directory laid out like /app,
 * with the CMD or the arguments a pod would pass. Nothing here needs NATS: these are the paths that end
 * before a connection.
 */
class ServiceJarCommandsIT {
  @TempDir
  static Path app;

  private static final Pattern COMMAND_LINE = Pattern.compile("^  ([a-z][a-z-]*)[,\\s]");

  static List<String> entrypoint;
  static List<String> cmd;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void layOutTheWorkingDirectoryAsInTheImage() throws IOException {
    Dockerfile.Stage stage = ProjectFiles.dockerfile().defaultTarget();
    List<String> argv = new ArrayList<>(stage.entrypoint().orElseThrow().argv());
    argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.set(argv.size() - 1, ServiceJarContentIT.JAR.toString());
    entrypoint = List.copyOf(argv);
    cmd = stage.cmd().orElseThrow().argv();
    Files.createDirectories(app.resolve("config"));
    Files.copy(ProjectFiles.root().resolve(ImageRules.CONFIG_FILE), app.resolve(ImageRules.CONFIG_FILE));
  }

  @Test
  void helpListsExactlyTheProductionCommands() throws Exception {
    Run run = run(Map.of(), "--help");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(commandsListed(run.out())).containsExactly("service", "provision", "token", "backup", "restore", "help");
  }

  @ParameterizedTest
  @ValueSource(strings = {"service", "provision", "token", "backup", "restore"})
  void eachCommandDescribesItself(String command) throws Exception {
    Run run = run(Map.of(), command, "--help");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("Usage: orderflow " + command);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "chaos", "psp-sim", "smtp-sink"})
  void developmentCommandsAreUnknown(String command) throws Exception {
    Run run = run(Map.of(), command);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument at index 0: '" + command + "'");
  }

  @Test
  void helpForADevelopmentCommandIsAnErrorNotTheRootsHelp() throws Exception {
    Run run = run(Map.of(), "run", "--help");

    // picocli alone would answer the root's help with exit 0; Main refuses the unknown command first.
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument at index 0: 'run'");
    assertThat(run.out()).doesNotContain("Usage: orderflow run");
  }

  @Test
  void theImagesDefaultCommandWithoutAServiceIsAUsageErrorSayingHowToNameOne() throws Exception {
    Run run = run(Map.of(), cmd.toArray(String[]::new));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("name the service: service NAME, or ORDERFLOW_SERVICE=NAME");
  }

  @Test
  void anUnknownServiceInTheEnvironmentIsAUsageErrorNamingTheKnownOnes() throws Exception {
    Run run = run(Map.of("ORDERFLOW_SERVICE", "nonsense"), cmd.toArray(String[]::new));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("unknown service 'nonsense'");
    assertThat(Services.NAMES).hasSize(5).allSatisfy(name -> assertThat(run.err()).contains(name));
  }

  /** The names in the help's "Commands:" section (the first name of each, without its aliases). */
  private static List<String> commandsListed(String help) {
    List<String> names = new ArrayList<>();
    boolean inCommands = false;
    for (String line : help.split("\r?\n")) {
      Matcher m = COMMAND_LINE.matcher(line);
      if (line.equals("Commands:")) {
        inCommands = true;
      } else if (inCommands && m.find()) {
        names.add(m.group(1));
      } else if (inCommands && !line.startsWith("   ")) {
        inCommands = false;
      }
    }
    return names;
  }

  private static Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(entrypoint);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(app.toFile());
    // Only what the test sets: no ORDERFLOW_* or NATS_URL of the machine running the build.
    pb.environment().keySet().removeIf(k -> k.startsWith("ORDERFLOW_") || k.equals("NATS_URL") || k.startsWith("JAVA_TOOL"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile(app, "out", ".txt");
    Path err = Files.createTempFile(app, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not end within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
