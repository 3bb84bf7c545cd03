package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Kustomize the suite renders with, and that it renders with the default load restrictor. */
class KustomizeTest {
  @TempDir
  Path tmp;

  @Test
  void orderflowKustomizeComesFirst() throws IOException {
    Path named = executable(tmp.resolve("bin/my-kustomize"));
    executable(tmp.resolve("root/.cache/kustomize/5.8.1/kustomize"));
    Map<String, String> env = Map.of("ORDERFLOW_KUSTOMIZE", named.toString(), "PATH", tmp.resolve("bin").toString());
    assertThat(Kustomize.locate(env, tmp.resolve("root"))).contains(new Kustomize(List.of(named.toString(), "build")));
  }

  @Test
  void anOrderflowKustomizeThatIsNoExecutableFails() {
    Map<String, String> env = Map.of("ORDERFLOW_KUSTOMIZE", tmp.resolve("missing").toString());
    assertThatThrownBy(() -> Kustomize.locate(env, tmp)).hasMessageContaining("ORDERFLOW_KUSTOMIZE names");
  }

  @Test
  void theNewestCachedCopyComesBeforeThePath() throws IOException {
    executable(tmp.resolve("root/.cache/kustomize/5.8.1/kustomize"));
    Path newest = executable(tmp.resolve("root/.cache/kustomize/5.10.0/kustomize"));
    executable(tmp.resolve("bin/kustomize"));
    Map<String, String> env = Map.of("PATH", tmp.resolve("bin").toString());
    assertThat(Kustomize.locate(env, tmp.resolve("root"))).contains(new Kustomize(List.of(newest.toString(), "build")));
  }

  @Test
  void kustomizeOnThePathComesBeforeKubectl() throws IOException {
    executable(tmp.resolve("a/kubectl"));
    Path kustomize = executable(tmp.resolve("b/kustomize"));
    Map<String, String> env = Map.of("PATH", tmp.resolve("a") + ":" + tmp.resolve("b"));
    assertThat(Kustomize.locate(env, tmp)).contains(new Kustomize(List.of(kustomize.toString(), "build")));
  }

  @Test
  void kubectlIsTheLastResort() throws IOException {
    Path kubectl = executable(tmp.resolve("a/kubectl"));
    assertThat(Kustomize.locate(Map.of("PATH", tmp.resolve("a").toString()), tmp))
        .contains(new Kustomize(List.of(kubectl.toString(), "kustomize")));
  }

  @Test
  void withNoneTheMessageSaysHowToGetOne() {
    assertThat(Kustomize.locate(Map.of("PATH", tmp.toString()), tmp)).isEmpty();
    assertThat(Kustomize.NONE).contains("./orderflow test", "ORDERFLOW_KUSTOMIZE");
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(Kustomize.compareVersions("5.10.0", "5.8.1")).isPositive();
    assertThat(Kustomize.compareVersions("5.8.1", "5.8.1")).isZero();
    assertThat(Kustomize.compareVersions("5.5.0", "5.8.1+ds-1")).isNegative();
  }

  @Test
  void theFoundKustomizeRefusesFilesOutsideTheRoot() throws IOException {
    // The restriction `kubectl apply -k` applies: the suite must render under it, not around it.
    Files.writeString(tmp.resolve("outside.txt"), "x");
    Path dir = Files.createDirectories(tmp.resolve("k"));
    Files.writeString(dir.resolve("kustomization.yaml"), """
        configMapGenerator:
          - name: outside
            files:
              - ../outside.txt
        """);
    assertThatThrownBy(() -> Kustomize.find().render(dir)).hasMessageContaining("outside.txt");
    Files.writeString(dir.resolve("inside.txt"), "inside");
    Files.writeString(dir.resolve("kustomization.yaml"), """
        configMapGenerator:
          - name: inside
            files:
              - inside.txt
        """);
    assertThat(Kustomize.find().render(dir)).contains("inside.txt: inside");
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
