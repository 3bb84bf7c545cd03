package io.orderflow.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jmh [JMH ARGS]}: the JMH benchmarks of the hot paths. */
@Command(name = "jmh", header = "JMH benchmarks of the hot paths.", 
    description = "Builds the benchmarks jar when missing or stale (load-tests/jmh/target/benchmarks.jar) and runs the JMH benchmarks of the hot paths (codec, order state, stock ledger, audit chain), about 2 minutes. The arguments go to JMH as they are: `jmh -l`, `jmh StockLedger -f 3`, `jmh -h` (JMH's own help; --help is this text).")
final class JmhCommand implements Callable<Integer>, io.orderflow.launcher.LauncherCommands.PassThrough {
  /** What the benchmarks jar is built from: the benchmarks, the codecs and the measured services. */
  private static final List<String> SOURCES = List.of("pom.xml", "codecs", "verticles/orders", "verticles/inventory", "verticles/audit", "load-tests/jmh");

  @picocli.CommandLine.Option(names = "--help", usageHelp = true, description = "this text (JMH's own: -h)")
  boolean help;

  /** Everything but --help, in the order given (Main keeps unknown options as positional arguments here). */
  @Parameters(arity = "0..*", hidden = true)
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path jar = root.resolve("load-tests/jmh/target/benchmarks.jar");
    Optional<Path> changed = Files.isRegularFile(jar) ? newerThan(root, Files.getLastModifiedTime(jar)) : Optional.of(jar);
    if (changed.isPresent()) {
      System.out.println("orderflow: building the benchmarks (" + (changed.get().equals(jar) ? "no " + root.relativize(jar) + " yet" : root.relativize(changed.get()) + " changed") + ")");
      int rc = new ProcessBuilder(root.resolve("mvnw").toString(), "-q", "-B", "-DskipTests", "package", "-pl", "load-tests/jmh", "-am").inheritIO().start().waitFor();
      if (rc != 0 || !Files.isRegularFile(jar)) throw new IllegalStateException("the benchmarks did not build (see above)");
    }
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    // JMH reads field offsets with sun.misc.Unsafe, which Java 24+ warns about; its forks inherit this option.
    if (Runtime.version().feature() >= 24) cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  private static Optional<Path> newerThan(Path root, FileTime jarTime) throws IOException {
    for (String s : SOURCES) {
      try (Stream<Path> files = Files.walk(root.resolve(s))) {
        Optional<Path> newer = files.filter(p -> !p.toString().contains("/target/")).filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().equals("pom.xml") || p.toString().contains("/src/main/"))
            .filter(p -> {
              try {
                return Files.getLastModifiedTime(p).compareTo(jarTime) > 0;
              } catch (IOException e) {
                return true;
              }
            }).findFirst();
        if (newer.isPresent()) return newer;
      }
    }
    return Optional.empty();
  }
}
