package io.orderflow.chaos;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports, none handed out twice in one run (the lead uses 8080-9090 and 14222). */
final class Ports {
  private static final Set<Integer> GIVEN = new HashSet<>();

  private Ports() {}

  static synchronized int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        int port = s.getLocalPort();
        if ((port >= 8080 && port <= 9090) || port == 14222) continue;
        if (GIVEN.add(port)) return port;
      } catch (IOException e) {
        throw new IllegalStateException("no free port: " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("no free port after 100 attempts");
  }
}
