package io.orderflow.chaos;

import io.orderflow.runtime.nats.NatsIdentities;
import io.orderflow.runtime.security.DevKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The cluster rehearsal: the {@code prod} shape on one machine, started by the real command a user runs,
 * {@code run --split --instances 2 --nats-cluster 3} (two instances of every service, three nats-server nodes,
 * R3 streams), on free port ranges and a data directory of its own. Under the standard load, one NATS node and
 * then one instance of each service are killed (-9) in turn; {@code run}'s supervisor starts each again, as
 * Kubernetes restarts a container. Every accepted order must end, I1-I4 must hold.
 */
final class Rehearsal {
  static final String COMMAND = "run --split --instances 2 --nats-cluster 3";
  private static final int NODES = 3;
  private static final int INSTANCES = 2;

  private Rehearsal() {}

  static void run(Run r) throws Exception {
    Path data = Files.createDirectories(r.sup.dir.resolve("data"));
    RunPorts ports = freePorts();
    Map<String, String> secrets = new LinkedHashMap<>(NatsIdentities.randomPasswords());
    secrets.put(LocalSecrets.PSP_ADMIN, NatsIdentities.randomPassword());
    // The key the services will trust, made first so that this harness can sign tokens with it.
    DevKeys keys = DevKeys.ensure(data.resolve("jwt"));
    Map<String, String> env = new LinkedHashMap<>(secrets);
    env.putAll(r.t.env());
    env.putAll(Map.of("ORDERFLOW_DATA_DIR", data.toString(), "ORDERFLOW_LOG_STDOUT", "0", "ORDERFLOW_READY_TIMEOUT", "300",
        "ORDERFLOW_STOP_TIMEOUT", "20", "JAVA_OPTS", String.join(" ", r.launch.serviceJvmOptions())));
    env.putAll(Map.of("ORDERFLOW_HTTP_PORT", String.valueOf(ports.http()), "ORDERFLOW_MGMT_PORT", String.valueOf(ports.mgmt()),
        "ORDERFLOW_NATS_PORT", String.valueOf(ports.nats()), "ORDERFLOW_NATS_MONITOR_PORT", String.valueOf(ports.natsMonitor()),
        "ORDERFLOW_NATS_CLUSTER_PORT", String.valueOf(ports.natsCluster()), "ORDERFLOW_PSP_PORT", String.valueOf(ports.psp()),
        "ORDERFLOW_SMTP_PORT", String.valueOf(ports.smtp())));
    // run stops its services within ORDERFLOW_STOP_TIMEOUT, then the stand-ins and the broker: give it time.
    r.sup.serviceGrace(Duration.ofSeconds(90));
    Proc run = r.sup.create("run", r.launch.java(COMMAND, true), env);
    run.start();
    List<RunPorts.Unit> units = ports.units(true, INSTANCES);
    List<Deployment.Instance> instances = new ArrayList<>();
    for (RunPorts.Unit u : units) {
      int index = u.name().endsWith("-2") ? 2 : 1;
      instances.add(new Deployment.Instance(u.services(), index, u.http(), u.mgmt(), null));
    }
    for (Deployment.Instance inst : instances) {
      Wait.until(inst.label() + " ready", Duration.ofSeconds(300), Duration.ofSeconds(1), () -> {
        if (!run.alive()) throw new IllegalStateException("run exited during start-up; see " + run.log);
        return r.http.status(inst.ready()) == 200;
      });
    }
    String urls = java.util.stream.IntStream.range(0, NODES).mapToObj(i -> "nats://127.0.0.1:" + (ports.nats() + i)).collect(Collectors.joining(","));
    String pspUrl = "http://127.0.0.1:" + ports.psp();
    r.attachToLocalRun(data, secrets, keys, pspUrl, urls, instances);
    r.out.note("run --split --instances 2 --nats-cluster 3 ready: " + instances.size() + " service processes, " + NODES + " nats-server nodes");
    // R3 for real: with one replica a restarted node would lose nothing either (kill -9 keeps the page cache).
    for (io.orderflow.runtime.messaging.Topology.StreamSpec stream : io.orderflow.runtime.messaging.Topology.STREAMS) {
      int replicas = r.broker.replicas(stream.name());
      r.out.check(replicas == NODES, stream.name() + " has " + replicas + " replicas, not " + NODES);
    }

    r.ampleStock();
    r.standardLoad();
    r.awaitAccepted((long) (r.t.rate() * r.t.warmup().toSeconds() / 2), r.t.warmup().multipliedBy(4));
    r.during(r.t.warmup());
    // The node that leads ORDERS, where every order starts: its loss makes the cluster elect another leader.
    String leader = r.broker.streamLeader(io.orderflow.runtime.messaging.Topology.ORDERS);
    int n = Integer.parseInt(leader.substring(leader.lastIndexOf('-') + 1));
    String node = "nats-" + n;
    kill(r, data, node);
    r.out.note("killed " + node + " (" + leader + "), leader of ORDERS");
    int monitor = ports.natsMonitor() + n - 1;
    Wait.until(node + " back and current", Duration.ofSeconds(180), Duration.ofSeconds(1),
        () -> restarted(data, node) && r.http.status("http://127.0.0.1:" + monitor + "/healthz") == 200);
    r.out.note(node + " killed and started again by run");
    r.during(Duration.ofSeconds(5));
    for (String service : Deployment.SERVICES) {
      Deployment.Instance victim = instances.stream().filter(i -> i.service().equals(service)).toList().get(ThreadLocalRandom.current().nextInt(INSTANCES));
      kill(r, data, victim.label());
      String[] last = {"not restarted"};
      try {
        Wait.until(victim.label() + " back and ready", Duration.ofSeconds(180), Duration.ofSeconds(1), () -> {
          if (!restarted(data, victim.label())) return false;
          try {
            Http.Response ready = r.http.send("GET", victim.ready(), null);
            last[0] = "restarted, " + victim.ready() + " answers " + ready.status() + " " + Http.abbreviate(ready.body());
            return ready.status() == 200;
          } catch (IOException e) {
            last[0] = "restarted, " + victim.ready() + " does not answer: " + e;
            return false;
          }
        });
      } catch (Wait.TimedOut e) {
        throw new IllegalStateException(victim.label() + " not back and ready within 180s: " + last[0], e);
      }
      r.out.note(victim.label() + " killed and started again by run");
      r.during(Duration.ofSeconds(3));
    }
    r.healed();
    r.during(r.t.afterHeal());
    r.finish();
    if (!run.alive()) r.out.fail("run itself ended during the rehearsal; see " + run.log);
  }

  private static final Map<String, Long> KILLED = new java.util.concurrent.ConcurrentHashMap<>();

  private static void kill(Run r, Path data, String name) throws IOException {
    long pid = Long.parseLong(Files.readString(data.resolve(name + ".pid")).trim());
    KILLED.put(data + "/" + name, pid);
    ProcessHandle.of(pid).ifPresentOrElse(ProcessHandle::destroyForcibly, () -> r.out.fail(name + " (pid " + pid + ") was not running"));
  }

  /** The pid file names a process other than the one killed, and it runs. */
  private static boolean restarted(Path data, String name) {
    try {
      long pid = Long.parseLong(Files.readString(data.resolve(name + ".pid")).trim());
      return pid != KILLED.get(data + "/" + name) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** Port bases whose whole ranges are free: services (5 per instance, 100 apart), nodes (3 each), psp-sim, SMTP. */
  private static RunPorts freePorts() throws IOException {
    int http = freeBase(List.of(0, 1, 2, 3, 4, 100, 101, 102, 103, 104));
    int mgmt = freeBase(List.of(0, 1, 2, 3, 4, 100, 101, 102, 103, 104));
    int nats = freeBase(List.of(0, 1, 2));
    int monitor = freeBase(List.of(0, 1, 2));
    int cluster = freeBase(List.of(0, 1, 2));
    return new RunPorts(http, mgmt, nats, monitor, cluster, freeBase(List.of(0)), freeBase(List.of(0)));
  }

  private static final java.util.Set<Integer> TAKEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static int freeBase(List<Integer> offsets) throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      if (offsets.stream().allMatch(o -> !TAKEN.contains(base + o) && bindable(base + o))) {
        offsets.forEach(o -> TAKEN.add(base + o));
        return base;
      }
    }
    throw new IOException("no free port range found");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
