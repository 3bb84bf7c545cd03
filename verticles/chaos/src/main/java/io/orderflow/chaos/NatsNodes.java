package io.orderflow.chaos;

import io.orderflow.runtime.LoopbackPorts;
import io.orderflow.runtime.nats.NatsIdentities;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real nats-server with JetStream on free loopback ports: one node, or three clustered with routes (for
 * R3). Each node keeps its storage directory, so a killed node restarts on the same data.
 */
final class NatsNodes {
  record Node(String name, int clientPort, int clusterPort, int monitorPort, Path store, Proc proc) {
    String url() {
      return "nats://127.0.0.1:" + clientPort;
    }
  }

  final List<Node> nodes = new ArrayList<>();
  private final Http http;
  /** Every orderflow identity's password, by environment variable: the nodes read them, the services get them. */
  final Map<String, String> passwords = NatsIdentities.randomPasswords();
  /** The harness's own user, allowed everything (it injects faults, loads history and reads every stream). */
  private final String harnessPassword = NatsIdentities.randomPassword();

  private NatsNodes(Http http) {
    this.http = http;
  }

  /** {@code sync}: JetStream's {@code sync_interval} ({@code always}, or a duration such as 1s); null: the server's default. */
  static NatsNodes start(Supervisor sup, String binary, int count, String sync, Http http) throws Exception {
    NatsNodes n = new NatsNodes(http);
    List<int[]> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) ports.add(new int[] {LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free()});
    Path stores = storeBase(sup);
    for (int i = 0; i < count; i++) {
      String name = "nats-" + (i + 1);
      Path store = Files.createDirectories(stores.resolve(name + "-store"));
      Path conf = sup.dir.resolve(name + ".conf");
      // orderflow's identities and permissions, as ./orderflow run has them, plus the harness's user.
      Files.writeString(sup.dir.resolve(name + "-identities.conf"), NatsIdentities.withHarness(HARNESS, n.harnessPassword));
      Files.writeString(conf, config(name, ports, i, store, sync));
      Proc proc = sup.create(name, List.of(binary, "-c", conf.toString()), n.passwords);
      n.nodes.add(new Node(name, ports.get(i)[0], ports.get(i)[1], ports.get(i)[2], store, proc));
    }
    for (Node node : n.nodes) node.proc.start();
    for (Node node : n.nodes) n.awaitHealthy(node, Duration.ofSeconds(60));
    return n;
  }

  /**
   * Where the nodes keep their JetStream storage: beside the logs, on disk, like a deployment. A killed node
   * restarts on the same files. {@code ORDERFLOW_CHAOS_NATS_STORE=tmpfs} puts it in {@code /dev/shm} (a busy
   * shared disk then cannot slow the broker down), any other value is a directory to use.
   */
  private static Path storeBase(Supervisor sup) throws java.io.IOException {
    String setting = System.getenv("ORDERFLOW_CHAOS_NATS_STORE");
    if (setting == null || setting.isBlank() || "disk".equals(setting)) return sup.dir;
    Path base = "tmpfs".equals(setting) ? Path.of("/dev/shm") : Path.of(setting);
    Path dir = Files.createTempDirectory(Files.createDirectories(base), "orderflow-chaos-" + sup.dir.getFileName() + "-");
    sup.scratch(dir);
    return dir;
  }

  private static String config(String name, List<int[]> ports, int self, Path store, String sync) {
    StringBuilder c = new StringBuilder()
        .append("server_name: ").append(name).append('\n')
        .append("listen: 127.0.0.1:").append(ports.get(self)[0]).append('\n')
        .append("http: 127.0.0.1:").append(ports.get(self)[2]).append('\n')
        .append("jetstream { store_dir: \"").append(store).append("\", max_memory_store: 256MB, max_file_store: 16GB")
        .append(sync == null ? "" : ", sync_interval: \"" + sync + "\"").append(" }\n")
        .append("ping_interval: \"20s\"\nping_max: 3\nwrite_deadline: \"10s\"\n")
        .append("include ./").append(name).append("-identities.conf\n");
    // Diagnostics: the Go profiler of the first node (pprof over HTTP on this port), to see where the broker's CPU goes.
    String prof = System.getenv("ORDERFLOW_NATS_PROF_PORT");
    if (prof != null && !prof.isBlank() && self == 0) {
      if (!prof.trim().matches("[0-9]{1,5}")) throw new IllegalArgumentException("ORDERFLOW_NATS_PROF_PORT must be a port number, not '" + prof + "'");
      c.append("prof_port: ").append(prof.trim()).append('\n');
    }
    if (ports.size() > 1) {
      String routes = ports.stream().filter(p -> p != ports.get(self))
          .map(p -> "nats-route://127.0.0.1:" + p[1]).collect(Collectors.joining(", "));
      c.append("cluster { name: chaos, listen: 127.0.0.1:").append(ports.get(self)[1])
          .append(", routes: [").append(routes).append("] }\n");
    }
    return c.toString();
  }

  static final String HARNESS = "harness";

  /**
   * Every node's client URL with the harness's credentials, comma-separated (jnats takes the list and fails
   * over): for the harness's own connections only.
   */
  String urls() {
    return nodes.stream().map(n -> "nats://" + HARNESS + ":" + harnessPassword + "@127.0.0.1:" + n.clientPort)
        .collect(Collectors.joining(","));
  }

  /** Every node's client URL without credentials: the services', which connect as their own identities. */
  String serviceUrls() {
    return nodes.stream().map(Node::url).collect(Collectors.joining(","));
  }

  Node node(String name) {
    return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
  }

  /** Healthy: JetStream enabled and, in a cluster, the node is current with its peers. */
  void awaitHealthy(Node node, Duration timeout) throws Exception {
    String path = nodes.size() == 1 ? "/healthz?js-enabled-only=true" : "/healthz";
    Wait.until(node.name + " healthy", timeout, () -> {
      if (!node.proc.alive()) throw new IllegalStateException(node.name + " exited; see " + node.proc.log);
      return http.status("http://127.0.0.1:" + node.monitorPort + path) == 200;
    });
  }

  /** Per stream, the state this node's replica holds: messages, first and last sequence. */
  Map<String, String> replicaState(Node node) throws Exception {
    JsonObject jsz = http.getJson("http://127.0.0.1:" + node.monitorPort + "/jsz?accounts=true&streams=true");
    Map<String, String> out = new LinkedHashMap<>();
    JsonArray accounts = jsz.getJsonArray("account_details", new JsonArray());
    for (Object a : accounts) {
      for (Object s : ((JsonObject) a).getJsonArray("stream_detail", new JsonArray())) {
        JsonObject stream = (JsonObject) s;
        JsonObject state = stream.getJsonObject("state", new JsonObject());
        long messages = state.getLong("messages", 0L);
        // An empty stream reports first_seq 0 or last+1 depending on the node's history: only messages and last count.
        out.put(stream.getString("name"), "messages=" + messages + (messages == 0 ? "" : " first=" + state.getLong("first_seq"))
            + " last=" + state.getLong("last_seq"));
      }
    }
    return new java.util.TreeMap<>(out);
  }
}
