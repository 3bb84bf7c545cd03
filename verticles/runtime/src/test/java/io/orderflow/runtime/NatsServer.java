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
import java.util.Comparator;
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

  private NatsServer(Process process, int port, Path storeDir, Path log) {
    this.process = process;
    this.port = port;
    this.storeDir = storeDir;
    this.log = log;
  }

  public static NatsServer start() {
    Path binary = binary();
    try {
      Path dir = Files.createTempDirectory("orderflow-nats-");
      int port = LoopbackPorts.free();
      Path log = dir.resolve("nats.log");
      Process p = new ProcessBuilder(binary.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port), "-js",
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
