package io.orderflow.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that the tests and the chaos harness start as processes, which must be
 * told their ports before they bind them.
 *
 * <p>The usual trick, binding port 0 and closing it, hands out a port from the kernel's ephemeral range,
 * the same range the kernel draws the local port of every outgoing connection from. Between the pick and the
 * server's own bind, a connection (a cluster route of a peer that started first, a client) can take it: seen
 * as a nats-server that died with "bind: address already in use" on its monitoring port while its peers
 * dialled their routes. So ports are drawn below the ephemeral range, where no outgoing connection lands,
 * checked by binding them, and never handed out twice by one JVM.
 */
public final class LoopbackPorts {
  /** Below: well-known and registered ports that local tools (and {@code ./orderflow run}: 8080-9090, 14222, 18222) use. */
  private static final int LOWEST = 20_000;
  /** Linux's default ephemeral range starts here; used when the kernel's setting cannot be read. */
  private static final int DEFAULT_EPHEMERAL_LOW = 32_768;
  private static final int ATTEMPTS = 1_000;

  private static final Set<Integer> GIVEN = new HashSet<>();
  private static final int EPHEMERAL_LOW = ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));

  private LoopbackPorts() {}

  /** A loopback port that is free now, outside the ephemeral range, and not handed out before by this JVM. */
  public static synchronized int free() {
    if (EPHEMERAL_LOW - LOWEST < ATTEMPTS) return fromKernel(); // no room below the range on this machine
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = random.nextInt(LOWEST, EPHEMERAL_LOW);
      if (!GIVEN.contains(port) && bindable(port)) {
        GIVEN.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOWEST + "-" + (EPHEMERAL_LOW - 1) + " after " + ATTEMPTS + " attempts");
  }

  /** The fallback: a port the kernel picks (which an outgoing connection may take before the server binds it). */
  private static int fromKernel() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("no free loopback port after " + ATTEMPTS + " attempts");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range ("32768\t60999"), or Linux's default. */
  static int ephemeralLow(Path rangeFile) {
    try {
      String[] range = Files.readString(rangeFile).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_LOW;
    }
  }
}
