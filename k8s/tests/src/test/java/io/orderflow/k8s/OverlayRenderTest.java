package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every overlay renders with Kustomize's default load restrictor, as `kubectl apply -k` needs. */
class OverlayRenderTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;
  /** Kinds without a namespace. */
  static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  @Test
  void everyOverlayIsTested() throws IOException {
    try (Stream<Path> dirs = Files.list(ProjectRoot.get().resolve("k8s/overlays"))) {
      assertThat(dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).map(d -> d.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(OVERLAYS);
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void rendersIntoItsNamespaceWithUniqueNames(String overlay) {
    Manifests m = Manifests.overlay(overlay);
    assertThat(m.all()).hasSizeGreaterThan(30);
    String ns = m.namespace();
    for (JsonNode o : m.all()) {
      if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
        assertThat(o.at("/metadata/namespace").asText()).as(Manifests.kindAndName(o)).isEqualTo(ns);
      }
    }
    assertThat(m.all().stream().map(Manifests::kindAndName)).doesNotHaveDuplicates();
    assertThat(m.get("Namespace", ns).at("/metadata/labels").path("pod-security.kubernetes.io/enforce").asText()).isEqualTo("restricted");
  }

  @Test
  void nothingNeedsARelaxedLoadRestrictor() throws IOException {
    try (Stream<Path> files = Files.walk(ProjectRoot.get().resolve("k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/tests/")).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("LoadRestrictionsNone");
      }
    }
    assertThat(Files.readString(ProjectRoot.get().resolve("k8s/README.md"))).contains("kubectl apply -k k8s/overlays/prod");
  }
}
