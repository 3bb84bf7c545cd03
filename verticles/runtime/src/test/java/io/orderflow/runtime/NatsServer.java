package io.orderflow.runtime;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.orderflow.runtime.nats.NatsServerBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.orderflow.runtime.messaging.NatsConnector;
import io.orderflow.runtime.nats.NatsIdentities;
import java.util.stream.Stream;

/**
 * A real nats-server process with JetStream on a free port and temporary storage, for tests. The binary
 * (2.12 or newer) is {@link NatsServerBinary#find()}'s: {@code ORDERFLOW_NATS_SERVER} (set by
 * {@code ./orderflow test}), the checkout's {@code .cache/nats-server/} ({@code ./orderflow nats-server}
 * fills it), the PATH or Debian's sbin.
 */
public final class NatsServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path storeDir;
  private final Path log;
  /** Secured servers: every identity's password by environment variable, plus the harness's; else empty. */
  private final Map<String, String> passwords;

  /** The test harness's user on a secured server: allowed everything (it injects faults and peeks). */
  public static final String HARNESS = "harness";
  private static final String HARNESS_PASSWORD_KEY = "harness";

  private NatsServer(Process process, int port, Path storeDir, Path log, Map<String, String> passwords) {
    this.process = process;
    this.port = port;
    this.storeDir = storeDir;
    this.log = log;
    this.passwords = passwords;
  }

  /** A server that lets anyone do anything: for tests of the runtime's mechanics on streams of their own. */
  public static NatsServer start() {
    return start(false);
  }

  /**
   * A server with orderflow's identities and permissions (config/nats/identities.conf), as {@code ./orderflow
   * run} starts it; {@link #settings()} gives services their passwords, {@link #connect()} connects as the harness.
   */
  public static NatsServer secured() {
    return start(true);
  }

  private static NatsServer start(boolean secured) {
    Path binary = binary();
    try {
      Path dir = Files.createTempDirectory("orderflow-nats-");
      int port = LoopbackPorts.free();
      Path log = dir.resolve("nats.log");
      Map<String, String> passwords = new LinkedHashMap<>();
      List<String> command = new ArrayList<>(List.of(binary.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port), "-js",
          "-sd", dir.resolve("store").toString()));
      ProcessBuilder pb = new ProcessBuilder(command);
      if (secured) {
        passwords.putAll(NatsIdentities.randomPasswords());
        passwords.put(HARNESS_PASSWORD_KEY, java.util.UUID.randomUUID().toString());
        Path conf = dir.resolve("nats.conf");
        Files.writeString(conf, NatsIdentities.withHarness(HARNESS, passwords.get(HARNESS_PASSWORD_KEY)));
        command.addAll(List.of("-c", conf.toString()));
        // The configuration reads every identity's password from the environment, as in production.
        passwords.forEach((k, v) -> {
          if (!k.equals(HARNESS_PASSWORD_KEY)) pb.environment().put(k, v);
        });
      }
      Process p = pb.command(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      NatsServer server = new NatsServer(p, port, dir, log, passwords);
      // A test that dies before close() must not leave a server running after the JVM.
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "nats-server-reaper"));
      server.awaitUp();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start nats-server: " + e.getMessage(), e);
    }
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** A connection allowed everything: anonymous on an open server, the harness on a secured one. */
  public Connection connect() throws IOException, InterruptedException {
    Options.Builder b = new Options.Builder().server(url()).connectionTimeout(Duration.ofSeconds(5));
    if (!passwords.isEmpty()) b.userInfo(HARNESS, passwords.get(HARNESS_PASSWORD_KEY));
    return Nats.connect(b.build());
  }

  /** A connection as one of orderflow's identities, exactly as a service connects (its password, its inbox prefix). */
  public Connection connectAs(String identity) throws IOException, InterruptedException {
    return Nats.connect(NatsConnector.options(Settings.of(settings()), identity).build());
  }

  /** The settings that point services at this server: its URL and, when secured, every identity's password. */
  public Map<String, String> settings() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("NATS_URL", url());
    passwords.forEach((k, v) -> {
      if (!k.equals(HARNESS_PASSWORD_KEY)) out.put(k, v);
    });
    return out;
  }

  public Path log() {
    return log;
  }

  /** The server's log lines about permission violations (an identity doing what it may not). */
  public List<String> violations() {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("Violation")).toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  private void awaitUp() throws IOException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) throw new IllegalStateException("nats-server exited: " + Files.readString(log));
      try (Connection nc = connect()) {
        nc.jetStreamManagement().getAccountStatistics();
        return;
      } catch (Exception e) {
        // not up yet: poll again
        try {
          process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
    throw new IllegalStateException("nats-server did not come up on " + url() + ": " + Files.readString(log));
  }

  private static volatile boolean announced;

  /** The nats-server binary the tests start; its version is printed once per JVM. */
  static Path binary() {
    Path binary = NatsServerBinary.find();
    if (!announced) {
      synchronized (NatsServer.class) {
        if (!announced) {
          System.out.println("nats-server " + NatsServerBinary.version(binary) + " (" + binary + ")");
          announced = true;
        }
      }
    }
    return binary;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(storeDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }
}
