package io.orderflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackPortsTest {
  @TempDir Path dir;

  @Test
  void portsLieBelowTheEphemeralRangeAreBindableAndAreNeverHandedOutTwice() throws Exception {
    int ephemeralLow = LoopbackPorts.ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = LoopbackPorts.free();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      // A kernel whose ephemeral range starts below 21000 leaves no room: then ports come from the kernel.
      if (ephemeralLow >= 21_000) assertThat(port).isBetween(20_000, ephemeralLow - 1);
    }
    int port = LoopbackPorts.free();
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void theEphemeralRangeIsReadFromTheKernelsSettingOrDefaultsToLinuxs() throws Exception {
    Path range = Files.writeString(dir.resolve("ip_local_port_range"), "40000\t60999\n");
    assertThat(LoopbackPorts.ephemeralLow(range)).isEqualTo(40_000);
    assertThat(LoopbackPorts.ephemeralLow(dir.resolve("missing"))).isEqualTo(32_768);
    assertThat(LoopbackPorts.ephemeralLow(Files.writeString(dir.resolve("garbage"), "x"))).isEqualTo(32_768);
  }
}
