package io.orderflow.chaos;

import io.orderflow.runtime.nats.NatsServerBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How to start the pieces: this JVM's java, the fat jar this code runs from, the nats-server binary (2.12 or
 * newer, found like {@code ./orderflow} finds it: {@link NatsServerBinary#find()}).
 */
record Launch(String javaBin, Path jar, String natsServer, List<String> serviceJvmOptions, List<String> auxJvmOptions) {

  static Launch detect() {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jar = findJar();
    return new Launch(java, jar, NatsServerBinary.find().toString(),
        options("ORDERFLOW_CHAOS_JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"),
        options("ORDERFLOW_AUX_JAVA_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
  }

  /**
   * What {@code ./orderflow run [--split]} starts the services with, its {@code JAVA_OPTS} honoured. No
   * nats-server is looked up: a run with NATS_URL needs none, and one without finds its own.
   */
  static Launch likeRun(boolean split) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new Launch(java, findJar(), null,
        options("JAVA_OPTS", split ? "-Xms128m -Xmx512m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
            : "-Xms256m -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"),
        options("ORDERFLOW_AUX_JAVA_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC"));
  }

  /** The nats-server to start: the one found at {@link #detect()}, else looked up now. */
  String natsBinary() {
    return natsServer != null ? natsServer : NatsServerBinary.find().toString();
  }

  List<String> java(String command, boolean aux) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    cmd.addAll(aux ? auxJvmOptions : serviceJvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(Arrays.asList(command.split(" ")));
    return cmd;
  }

  private static List<String> options(String env, String dflt) {
    String v = System.getenv(env);
    return Arrays.stream((v == null ? dflt : v).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static Path findJar() {
    String env = System.getenv("ORDERFLOW_JAR");
    if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
    try {
      Path self = Path.of(Launch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) return self;
    } catch (Exception e) {
      // fall through to the default location
    }
    return Path.of("verticles/app/target/orderflow.jar").toAbsolutePath();
  }
}
