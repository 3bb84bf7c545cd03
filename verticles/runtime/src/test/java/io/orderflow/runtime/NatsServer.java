package io.orderflow.runtime;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real nats-server process with JetStream on a free port and temporary storage, for tests. The binary
 * comes from {@code ORDERFLOW_NATS_SERVER} (set by {@code ./orderflow test}), the PATH, or Debian's sbin.
 */
public final class NatsServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path storeDir;
  private final Path log;

  private NatsServer(Process process, int port, Path storeDir, Path log) {
    this.process = process;
    this.port = port;
    this.storeDir = storeDir;
    this.log = log;
  }

  public static NatsServer start() {
    try {
      Path dir = Files.createTempDirectory("orderflow-nats-");
      int port = freePort();
      Path log = dir.resolve("nats.log");
      Process p = new ProcessBuilder(binary(), "-a", "127.0.0.1", "-p", String.valueOf(port), "-js",
          "-sd", dir.resolve("store").toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      NatsServer server = new NatsServer(p, port, dir, log);
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

  public Connection connect() throws IOException, InterruptedException {
    return Nats.connect(new Options.Builder().server(url()).connectionTimeout(Duration.ofSeconds(5)).build());
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

  static String binary() {
    String configured = System.getenv("ORDERFLOW_NATS_SERVER");
    if (configured != null && !configured.isBlank()) return configured;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "nats-server");
      if (Files.isExecutable(p)) return p.toString();
    }
    for (String p : List.of("/usr/sbin/nats-server", "/usr/local/bin/nats-server", "/usr/local/sbin/nats-server")) {
      if (Files.isExecutable(Path.of(p))) return p;
    }
    throw new IllegalStateException("nats-server not found: install Debian's package 'nats-server' or set ORDERFLOW_NATS_SERVER");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
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
