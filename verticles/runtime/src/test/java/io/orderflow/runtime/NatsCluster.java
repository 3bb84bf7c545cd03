package io.orderflow.runtime;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real clustered nats-server processes for tests: JetStream, loopback only, free ports, temporary storage.
 * Node {@code i} (0-based) is the server named {@code n<i+1>} ({@code n1..n3} for three), with a client,
 * a route and a monitoring port of its own. {@link #stop(int)} (or {@link #kill(int)}) and
 * {@link #startNode(int)} restart a node on the same storage, so a test can take a stream's leader away and
 * bring it back. (The instance method cannot be called {@code start(int)}: that is the factory.)
 *
 * <pre>{@code
 * try (NatsCluster cluster = NatsCluster.start(3); Connection nc = cluster.connect()) {
 *   ... create an R3 stream, publish ...
 *   int leader = cluster.indexOf(cluster.streamLeader(nc, "ORDERS"));
 *   cluster.stop(leader);
 *   cluster.startNode(leader);
 * }
 * }</pre>
 */
public final class NatsCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String CLUSTER_NAME = "orderflow-test";

  private static final class Node {
    final String name;
    final int clientPort;
    final int routePort;
    final int monitorPort;
    final Path store;
    final Path config;
    final Path log;
    volatile Process process;

    Node(String name, int clientPort, int routePort, int monitorPort, Path dir) {
      this.name = name;
      this.clientPort = clientPort;
      this.routePort = routePort;
      this.monitorPort = monitorPort;
      this.store = dir.resolve(name + "-store");
      this.config = dir.resolve(name + ".conf");
      this.log = dir.resolve(name + ".log");
    }

    String url() {
      return "nats://127.0.0.1:" + clientPort;
    }

    boolean running() {
      Process p = process;
      return p != null && p.isAlive();
    }
  }

  private final Path dir;
  private final List<Node> nodes;
  private final Path binary;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Thread reaper;

  private NatsCluster(Path dir, List<Node> nodes, Path binary) {
    this.dir = dir;
    this.nodes = nodes;
    this.binary = binary;
    // A test that dies before close() must not leave servers running after the JVM.
    this.reaper = new Thread(() -> nodes.forEach(n -> {
      Process p = n.process;
      if (p != null) p.destroyForcibly();
    }), "nats-cluster-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts {@code size} clustered servers and waits until each is healthy and JetStream has a meta leader. */
  public static NatsCluster start(int size) {
    if (size < 1) throw new IllegalArgumentException("a cluster of " + size + " nodes");
    Path binary = NatsServer.binary();
    NatsCluster cluster;
    try {
      Path dir = Files.createTempDirectory("orderflow-nats-cluster-");
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        nodes.add(new Node("n" + (i + 1), LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free(), dir));
      }
      for (Node n : nodes) {
        Files.createDirectories(n.store);
        Files.writeString(n.config, config(n, nodes));
      }
      cluster = new NatsCluster(dir, nodes, binary);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a nats-server cluster: " + e.getMessage(), e);
    }
    try {
      for (Node n : cluster.nodes) cluster.launch(n);
      for (Node n : cluster.nodes) cluster.awaitHealthy(n);
      cluster.awaitMetaLeader();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static String config(Node self, List<Node> all) {
    StringBuilder c = new StringBuilder()
        .append("server_name: ").append(self.name).append('\n')
        .append("listen: 127.0.0.1:").append(self.clientPort).append('\n')
        .append("http: 127.0.0.1:").append(self.monitorPort).append('\n')
        .append("jetstream { store_dir: \"").append(self.store).append("\", max_memory_store: 256MB, max_file_store: 2GB }\n")
        .append("ping_interval: \"20s\"\nping_max: 3\nwrite_deadline: \"10s\"\n");
    if (all.size() > 1) {
      String routes = all.stream().filter(n -> n != self)
          .map(n -> "nats-route://127.0.0.1:" + n.routePort).collect(Collectors.joining(", "));
      c.append("cluster { name: ").append(CLUSTER_NAME).append(", listen: 127.0.0.1:").append(self.routePort)
          .append(", routes: [").append(routes).append("] }\n");
    }
    return c.toString();
  }

  public int size() {
    return nodes.size();
  }

  /** Every node's client URL, comma-separated (jnats takes the list and fails over). */
  public String urls() {
    return nodes.stream().map(Node::url).collect(Collectors.joining(","));
  }

  /** Node {@code i}'s client URL (0-based). */
  public String url(int i) {
    return node(i).url();
  }

  /** Node {@code i}'s server name: {@code n<i+1>}. */
  public String name(int i) {
    return node(i).name;
  }

  /** Node {@code i}'s monitoring endpoint ({@code /healthz}, {@code /jsz}, ...). */
  public String monitorUrl(int i) {
    return "http://127.0.0.1:" + node(i).monitorPort;
  }

  /** The index of the node with this server name ({@code n2} is 1). */
  public int indexOf(String serverName) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).name.equals(serverName)) return i;
    }
    throw new IllegalArgumentException("no node named " + serverName + " (nodes: "
        + nodes.stream().map(n -> n.name).collect(Collectors.joining(", ")) + ")");
  }

  /** A connection to the cluster: every URL, reconnecting to another node for as long as it takes. */
  public Connection connect() throws IOException, InterruptedException {
    return Nats.connect(new Options.Builder().servers(urlArray()).connectionTimeout(Duration.ofSeconds(5))
        .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).build());
  }

  /** A connection to node {@code i} only: it ignores the other nodes the server tells about. */
  public Connection connect(int i) throws IOException, InterruptedException {
    return Nats.connect(new Options.Builder().server(url(i)).ignoreDiscoveredServers()
        .connectionTimeout(Duration.ofSeconds(5)).reconnectWait(Duration.ofMillis(250)).build());
  }

  /**
   * The server name of {@code stream}'s leader, as {@code nc}'s server reports it; waits up to 10 s while the
   * stream has no leader (an election).
   */
  public String streamLeader(Connection nc, String stream) throws IOException, JetStreamApiException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (true) {
      ClusterInfo info = nc.jetStreamManagement().getStreamInfo(stream).getClusterInfo();
      String leader = info == null ? null : info.getLeader();
      if (leader != null && !leader.isEmpty()) return leader;
      if (Instant.now().isAfter(deadline)) throw new IllegalStateException("stream " + stream + " has no leader after 10 s");
      sleep(100);
    }
  }

  /** Stops node {@code i} (SIGTERM, then SIGKILL after 10 s); its storage stays for {@link #startNode(int)}. */
  public void stop(int i) {
    stopProcess(node(i), false);
  }

  /** Kills node {@code i} (SIGKILL, no shutdown): a crash. Its storage stays for {@link #startNode(int)}. */
  public void kill(int i) {
    stopProcess(node(i), true);
  }

  /** Starts node {@code i} again on its storage and waits until it is healthy (caught up with its peers). */
  public void startNode(int i) {
    Node n = node(i);
    if (n.running()) throw new IllegalStateException(n.name + " is running");
    launch(n);
    awaitHealthy(n);
  }

  /** Whether node {@code i}'s process runs. */
  public boolean running(int i) {
    return node(i).running();
  }

  /** Stops every node and deletes the storage. */
  @Override
  public void close() {
    for (Node n : nodes) {
      Process p = n.process;
      if (p != null) p.destroy();
    }
    for (Node n : nodes) stopProcess(n, false);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the reaper runs anyway
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  private Node node(int i) {
    if (i < 0 || i >= nodes.size()) throw new IndexOutOfBoundsException("node " + i + " of " + nodes.size());
    return nodes.get(i);
  }

  private String[] urlArray() {
    return nodes.stream().map(Node::url).toArray(String[]::new);
  }

  private void launch(Node n) {
    try {
      Files.writeString(n.log, "=== " + Instant.now() + " " + binary + " -c " + n.config + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      n.process = new ProcessBuilder(binary.toString(), "-c", n.config.toString())
          .redirectErrorStream(true).redirectOutput(Redirect.appendTo(n.log.toFile())).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start nats-server " + n.name + ": " + e.getMessage(), e);
    }
  }

  private void stopProcess(Node n, boolean kill) {
    Process p = n.process;
    if (p == null) return;
    try {
      if (kill) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } else {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** Healthy: {@code /healthz} answers 200 (in a cluster: JetStream is current with its peers). */
  private void awaitHealthy(Node n) {
    String path = nodes.size() == 1 ? "/healthz?js-enabled-only=true" : "/healthz";
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (true) {
      if (!n.running()) throw new IllegalStateException("nats-server " + n.name + " exited: " + tail(n));
      if (status("http://127.0.0.1:" + n.monitorPort + path) == 200) return;
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("nats-server " + n.name + " not healthy after " + START_TIMEOUT.toSeconds() + " s: " + tail(n));
      }
      sleep(100);
    }
  }

  /** JetStream's meta group has a leader and the JetStream API answers through every node. */
  private void awaitMetaLeader() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    String last = "";
    while (true) {
      try {
        String leader = nodes.size() == 1 ? nodes.get(0).name : metaLeader(nodes.get(0));
        if (leader != null && !leader.isEmpty()) {
          for (int i = 0; i < nodes.size(); i++) {
            try (Connection nc = connect(i)) {
              nc.jetStreamManagement().getAccountStatistics();
            }
          }
          return;
        }
        last = "no meta leader yet";
      } catch (Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        last = e.toString();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("JetStream not ready in the cluster after " + START_TIMEOUT.toSeconds() + " s (" + last
            + "): " + nodes.stream().map(this::tail).collect(Collectors.joining("\n")));
      }
      sleep(200);
    }
  }

  private String metaLeader(Node n) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.monitorPort + "/jsz"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) return null;
    JsonObject meta = new JsonObject(r.body()).getJsonObject("meta_cluster");
    return meta == null ? null : meta.getString("leader");
  }

  private int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String tail(Node n) {
    try {
      List<String> lines = Files.readAllLines(n.log);
      return n.name + " log (" + n.log + "):\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return n.name + " log unreadable: " + e.getMessage();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
