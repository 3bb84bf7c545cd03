package io.orderflow.runtime.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.runtime.nats.NatsServerBinary.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locator without a network or a real server: fake binaries are shell scripts printing a version. */
class NatsServerBinaryTest {
  @TempDir Path tmp;

  @Test
  void parsesWhatNatsServerPrints() {
    assertThat(Version.parse("nats-server: v2.15.1")).isEqualTo(new Version(2, 15, 1));
    assertThat(Version.parse("nats-server: v2.9.10\n")).hasToString("2.9.10");
    assertThat(Version.parse("nats-server v2.12.0-RC.3")).isEqualTo(new Version(2, 12, 0));
    assertThatThrownBy(() -> Version.parse("prometheus, version 2.42.0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Version.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void comparesNumerically() {
    assertThat(new Version(2, 9, 10)).isLessThan(NatsServerBinary.MIN);
    assertThat(new Version(2, 12, 0)).isEqualByComparingTo(NatsServerBinary.MIN);
    assertThat(new Version(2, 15, 1)).isGreaterThan(new Version(2, 12, 9));
    assertThat(new Version(3, 0, 0).atLeast(NatsServerBinary.MIN)).isTrue();
    assertThat(new Version(2, 11, 99).atLeast(NatsServerBinary.MIN)).isFalse();
    assertThat(NatsServerBinary.MIN).hasToString("2.12.0");
  }

  @Test
  void versionRunsTheBinary() throws IOException {
    assertThat(NatsServerBinary.version(fake(tmp.resolve("a"), "2.15.1"))).isEqualTo(new Version(2, 15, 1));
    Path notNats = script(tmp.resolve("b"), "echo 'something else'");
    assertThatThrownBy(() -> NatsServerBinary.version(notNats))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no nats-server version");
  }

  @Test
  void usesTheConfiguredBinaryWhenItIsCurrent() throws IOException {
    Path current = fake(tmp.resolve("bin"), "2.15.1");
    assertThat(NatsServerBinary.locate(Map.of("ORDERFLOW_NATS_SERVER", current.toString()), tmp, List.of()))
        .isEqualTo(current.toAbsolutePath());
  }

  @Test
  void refusesAConfiguredBinaryThatIsTooOld() throws IOException {
    Path old = fake(tmp.resolve("old"), "2.9.10");
    // Even with a current one in the cache and on the PATH: an explicit choice is not silently replaced.
    Path root = checkout();
    fake(root.resolve(".cache/nats-server/2.15.1"), "2.15.1");
    assertThatThrownBy(() -> NatsServerBinary.locate(
        Map.of("ORDERFLOW_NATS_SERVER", old.toString(), "PATH", root.resolve(".cache/nats-server/2.15.1").toString()),
        root, List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2.9.10")
        .hasMessageContaining("2.12.0 or newer")
        .hasMessageContaining("./orderflow nats-server");
  }

  @Test
  void refusesAConfiguredPathThatIsNoExecutable() {
    assertThatThrownBy(() -> NatsServerBinary.locate(
        Map.of("ORDERFLOW_NATS_SERVER", tmp.resolve("missing").toString()), tmp, List.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not an executable");
  }

  @Test
  void takesTheNewestCurrentBinaryInTheProjectCacheFromAModuleDirectory() throws IOException {
    Path root = checkout();
    Path module = Files.createDirectories(root.resolve("verticles/runtime"));
    fake(root.resolve(".cache/nats-server/2.12.0"), "2.12.0");
    Path newest = fake(root.resolve(".cache/nats-server/2.15.1"), "2.15.1");
    fake(root.resolve(".cache/nats-server/2.9.10"), "2.9.10");
    fake(root.resolve(".cache/nats-server/3.0.0"), "2.10.0");   // the directory name does not count, the binary does
    Path onPath = fake(tmp.resolve("path"), "2.20.0");           // the cache comes before the PATH
    assertThat(NatsServerBinary.locate(Map.of("PATH", onPath.getParent().toString()), module, List.of()))
        .isEqualTo(newest.toAbsolutePath());
  }

  @Test
  void passesOverAnOldBinaryOnThePath() throws IOException {
    Path oldDir = fake(tmp.resolve("old"), "2.9.10").getParent();
    Path current = fake(tmp.resolve("new"), "2.12.3");
    Path root = checkout();   // with an empty cache
    assertThat(NatsServerBinary.locate(Map.of("PATH", oldDir + ":" + current.getParent()), root, List.of()))
        .isEqualTo(current.toAbsolutePath());
    Path sbin = fake(tmp.resolve("sbin"), "2.14.0").getParent();
    assertThat(NatsServerBinary.locate(Map.of("PATH", oldDir.toString()), root, List.of(sbin)))
        .isEqualTo(sbin.resolve("nats-server").toAbsolutePath());
  }

  @Test
  void saysHowToGetOneWhenNoneIsCurrent() throws IOException {
    Path oldDir = fake(tmp.resolve("old"), "2.9.10").getParent();
    assertThatThrownBy(() -> NatsServerBinary.locate(Map.of("PATH", oldDir.toString()), checkout(), List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("./orderflow nats-server")
        .hasMessageContaining("ORDERFLOW_NATS_SERVER")
        .hasMessageContaining("2.9.10");
  }

  @Test
  void findsTheCheckoutAboveTheWorkingDirectory() throws IOException {
    Path root = checkout();
    Path deep = Files.createDirectories(root.resolve("verticles/runtime/target"));
    assertThat(NatsServerBinary.projectRoot(deep)).contains(root.toAbsolutePath());
    Path module = Files.createDirectories(root.resolve("verticles/chaos"));
    Files.writeString(module.resolve("pom.xml"), "<project/>");   // a module's pom alone is not the checkout
    assertThat(NatsServerBinary.projectRoot(module)).contains(root.toAbsolutePath());
  }

  /** A directory that looks like the checkout: {@code orderflow} and {@code pom.xml}. */
  private Path checkout() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("checkout"));
    if (!Files.exists(root.resolve("orderflow"))) {
      Files.writeString(root.resolve("orderflow"), "#!/bin/sh\n");
      Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    }
    return root;
  }

  /** {@code dir/nats-server}, a script printing what nats-server prints for {@code --version}. */
  private static Path fake(Path dir, String version) throws IOException {
    return script(dir, "echo 'nats-server: v" + version + "'");
  }

  private static Path script(Path dir, String body) throws IOException {
    Files.createDirectories(dir);
    Path p = dir.resolve("nats-server");
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
