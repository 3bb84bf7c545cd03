package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The NATS server each overlay configures: the rendered files pass nats-server's own strict check with only the
 * variables the pod provides (its name, the documented Secret); the image is the version the tests ran; the sync
 * setting is the README's.
 */
class NatsConfigTest {
  static final List<String> OVERLAYS = Manifests.OVERLAYS;
  private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void theRenderedConfigurationPassesNatsServersCheck(String overlay) throws IOException {
    Manifests m = Manifests.overlay(overlay);
    Path conf = writeConfig(m, tmp);
    NatsServer.Result result = NatsServer.find().test(conf, podEnvironment(m));
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("OVERLAYS")
  void theConfigurationReadsOnlyVariablesThePodProvides(String overlay) throws IOException {
    Manifests m = Manifests.overlay(overlay);
    Path conf = writeConfig(m, tmp);
    Set<String> used = new TreeSet<>();
    for (Path f : List.of(conf, conf.resolveSibling("identities.conf"))) used.addAll(variables(Files.readString(f)));
    assertThat(podEnvironment(m).keySet()).as("variables the pod provides").containsAll(used);

    JsonNode container = nats(m).containers().get(0);
    assertThat(container.toString()).contains("\"secretRef\":{\"name\":\"orderflow-nats\"}");
    assertThat(Containers.environment(m, container).get("SERVER_NAME").source()).isEqualTo("field reference");
  }

  @Test
  void anUnknownFieldFailsTheCheck() throws IOException {
    Manifests broken = Manifests.overlay("prod").edited(objects -> objects.stream()
        .filter(o -> o.path("kind").asText().equals("ConfigMap") && Manifests.name(o).startsWith("nats-config-")).findFirst().orElseThrow()
        .withObject("/data").put("nats.conf", Manifests.overlay("prod").generatedConfigMap("nats-config").get("nats.conf") + "\nmax_payload_bytes: 1MB\n"));
    NatsServer.Result result = NatsServer.find().test(writeConfig(broken, tmp), podEnvironment(broken));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("unknown field \"max_payload_bytes\"");
  }

  @Test
  void theImageIsTheServerVersionTheTestsRan() throws IOException {
    String readme = Files.readString(ProjectRoot.get().resolve("README.md"));
    Matcher ran = Pattern.compile("ran on \\*\\*nats-server (\\d+\\.\\d+\\.\\d+)\\*\\*").matcher(readme);
    assertThat(ran.find()).as("README.md says which nats-server the tests ran on").isTrue();
    for (String overlay : OVERLAYS) {
      JsonNode container = nats(Manifests.overlay(overlay)).containers().get(0);
      assertThat(Containers.imageName(container)).isEqualTo("nats");
      assertThat(Containers.imageTag(container)).as(overlay).isEqualTo(ran.group(1) + "-alpine");
    }
  }

  @Test
  void syncFollowsTheReadme() {
    // README "Durability": one node fsyncs every second (./orderflow run's default; dev); three replicas across
    // failure domains rely on replication and keep the server's default interval.
    String dev = Manifests.overlay("dev").generatedConfigMap("nats-config").get("nats.conf");
    String prod = Manifests.overlay("prod").generatedConfigMap("nats-config").get("nats.conf");
    assertThat(settings(dev)).containsEntry("sync_interval", "1s");
    assertThat(settings(prod)).doesNotContainKey("sync_interval");
  }

  /** The config volume's ConfigMaps written as the pod sees them; the path of the file the server is started with. */
  static Path writeConfig(Manifests m, Path dir) throws IOException {
    Manifests.Workload nats = nats(m);
    JsonNode container = nats.containers().get(0);
    List<String> args = Containers.args(container);
    Path started = Path.of(args.get(args.indexOf("--config") + 1));
    for (JsonNode mount : container.path("volumeMounts")) {
      if (!started.startsWith(mount.path("mountPath").asText())) continue;
      for (JsonNode v : nats.podSpec().path("volumes")) {
        if (!v.path("name").asText().equals(mount.path("name").asText())) continue;
        for (JsonNode source : v.path("projected").path("sources")) {
          Map<String, String> data = m.configMapData(source.path("configMap").path("name").asText()).orElseThrow();
          for (var e : data.entrySet()) Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
      }
      return dir.resolve(started.getFileName());
    }
    throw new AssertionError("nats is started with " + started + ", which no volume of its pod provides");
  }

  /**
   * What the pod's environment holds for the server: its name, and the passwords k8s/README.md tells operators to put
   * into the Secret orderflow-nats (so a new identity the README does not list fails the server's check).
   */
  static Map<String, String> podEnvironment(Manifests m) {
    Map<String, String> env = new TreeMap<>();
    env.put("PATH", "/usr/bin:/bin");
    for (String v : Containers.environment(m, nats(m).containers().get(0)).keySet()) {
      if (!v.startsWith("*")) env.put(v, "nats-0");
    }
    for (String key : documentedNatsSecretKeys()) env.put(key, "Secret" + key.length() + "Pw1");
    return env;
  }

  /** The keys of orderflow-nats in k8s/README.md's table: `ORDERFLOW_NATS_{A,B,...}_PASSWORD`. */
  static Set<String> documentedNatsSecretKeys() {
    try {
      String readme = Files.readString(ProjectRoot.get().resolve("k8s/README.md"));
      Matcher row = Pattern.compile("\\| `orderflow-nats` \\| `ORDERFLOW_NATS_\\{([A-Z,]+)\\}_PASSWORD`").matcher(readme);
      assertThat(row.find()).as("k8s/README.md lists the keys of orderflow-nats").isTrue();
      Set<String> keys = new TreeSet<>();
      for (String id : row.group(1).split(",")) keys.add("ORDERFLOW_NATS_" + id + "_PASSWORD");
      return keys;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Manifests.Workload nats(Manifests m) {
    return m.workload("StatefulSet", "nats").orElseThrow(() -> new AssertionError(m.source() + " has no StatefulSet nats"));
  }

  /** $VARIABLE references outside comments and quoted strings (subjects such as "$JS.API.>" are not variables). */
  static Set<String> variables(String conf) {
    Set<String> out = new TreeSet<>();
    for (String line : conf.split("\n")) {
      String code = line.replaceAll("\"[^\"]*\"", "\"\"");
      int hash = code.indexOf('#');
      if (hash >= 0) code = code.substring(0, hash);
      Matcher v = VARIABLE.matcher(code);
      while (v.find()) out.add(v.group(1));
    }
    return out;
  }

  /** Top-level "key: value" lines and those of blocks, for simple settings. */
  static Map<String, String> settings(String conf) {
    Map<String, String> out = new TreeMap<>();
    Matcher kv = Pattern.compile("(?m)^\\s*([a-z_]+)\\s*[:=]\\s*([^\\s#{\\[]+)").matcher(conf);
    while (kv.find()) out.put(kv.group(1), kv.group(2));
    return out;
  }
}
