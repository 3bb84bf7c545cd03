package io.orderflow.app;

import io.orderflow.chaos.DevTools;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code nats-server}: finds or fetches a current nats-server and prints its path. */
@Command(name = "nats-server", header = "Finds or fetches a nats-server >= 2.12 and prints its path.", mixinStandardHelpOptions = true,
    description = "Finds or fetches a nats-server 2.12 or newer (as run, test and chaos do) and prints its path on the last line: ORDERFLOW_NATS_SERVER, else the newest in .cache/nats-server/, else PATH, /usr/sbin, /usr/local/{bin,sbin}, else Debian testing's package fetched into .cache/nats-server/ without root (from the machine's Debian mirror, or ORDERFLOW_DEBIAN_MIRROR, with apt's signature checks).")
final class NatsServerCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    System.out.println(new DevTools(Path.of("").toAbsolutePath()).natsServer());
    return 0;
  }
}
