package io.orderflow.chaos;

import io.orderflow.runtime.nats.NatsServerBinary;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code run}: the whole system on this machine, in the foreground, until Ctrl-C or {@code stop}: nats-server
 * (one node, or a cluster with R3 streams), provisioning, psp-sim, an SMTP sink and the services (all in one
 * JVM, or one JVM per service, any number of instances of each), on the fixed ports of {@link RunPorts}, with
 * the same {@link Supervisor} the chaos scenarios use. Data, logs, mails and secrets live under {@code .data/}.
 */
public final class LocalRun {
  /** {@code --split}, {@code --instances N}, {@code --nats-cluster N}. */
  public record Options(boolean split, int instances, int natsNodes) {
    public Options {
      if (instances < 1 || instances > 9) throw new IllegalArgumentException("--instances must be 1 to 9");
      if (natsNodes != 1 && natsNodes != 3 && natsNodes != 5) throw new IllegalArgumentException("--nats-cluster must be 1, 3 or 5 (a JetStream cluster needs a majority)");
    }
  }

  static final String DEFAULT_SYNC = "1s";
  private static final Pattern SYNC = Pattern.compile("always|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+");

  private final Options opt;
  private final Path root = Path.of("").toAbsolutePath();
  /** ORDERFLOW_DATA_DIR (.data): storage, logs, mails, keys, secrets and pid files of the run. */
  private final Path data = root.resolve(Bench.env("ORDERFLOW_DATA_DIR", ".data"));
  private final Path logs = data.resolve("logs");
  private final RunPorts ports = RunPorts.fromEnvironment();
  private final String bindHost = Bench.env("ORDERFLOW_BIND_HOST", "127.0.0.1");
  private final Duration readyTimeout = seconds("ORDERFLOW_READY_TIMEOUT", 120);
  private final Duration stopTimeout = seconds("ORDERFLOW_STOP_TIMEOUT", 35);
  private final String sync = Bench.env("ORDERFLOW_NATS_SYNC", DEFAULT_SYNC);
  private final PidFiles pids = new PidFiles(data, root);
  private final Http http = new Http();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private Supervisor sup;

  private LocalRun(Options opt) {
    this.opt = opt;
  }

  /** Runs until a signal (exit 0) or until a process dies or start-up fails (exit 1). */
  public static int run(Options opt, Path natsServer) throws Exception {
    return new LocalRun(opt).go(natsServer);
  }

  /** {@code stop}: what a previous {@code run} left running, the run itself first (it stops its processes in order). */
  public static int stop() {
    LocalRun r = new LocalRun(new Options(false, 1, 1));
    if (r.pids.ours("run").isEmpty() && r.pids.names().stream().allMatch(n -> r.pids.ours(n).isEmpty())) {
      r.pids.names().forEach(r.pids::remove);
      r.pids.remove("run");
      say("nothing to stop");
      return 0;
    }
    r.stopPrevious();
    say("stopped");
    return 0;
  }

  /**
   * The watchdog's {@code stop}: only when the pid file still names the run that was killed (a run that ended
   * normally removed it; a newer run wrote its own).
   */
  public static int stopAfter(long runPid) {
    LocalRun r = new LocalRun(new Options(false, 1, 1));
    if (!r.pids.recorded("run").equals(java.util.Optional.of(runPid))) return 0;
    say("run (pid " + runPid + ") ended without stopping what it started: stopping it now");
    r.stopPrevious();
    return 0;
  }

  private int go(Path natsServer) throws Exception {
    if (!sync.equals("always") && (!SYNC.matcher(sync).matches() || !sync.matches(".*[1-9].*"))) {
      throw new IllegalArgumentException("ORDERFLOW_NATS_SYNC='" + sync + "' is neither 'always' nor a duration above zero: use always"
          + " (fsync each JetStream write before acknowledging it) or how often to fsync, e.g. 1s, 30s, 2m (default " + DEFAULT_SYNC + ")");
    }
    Files.createDirectories(logs);
    Files.createDirectories(data.resolve("mail"));
    stopPrevious();
    pids.write("run", ProcessHandle.current().pid());
    Launch launch = Launch.likeRun(opt.split());
    startWatchdog(launch);
    List<RunPorts.Unit> units = ports.units(opt.split(), opt.instances());
    String natsUrl = System.getenv("NATS_URL");
    boolean ownNats = natsUrl == null || natsUrl.isBlank();
    String pspUrl = System.getenv("ORDERFLOW_PSP_URL");
    boolean ownPsp = pspUrl == null || pspUrl.isBlank();
    String smtpHost = System.getenv("ORDERFLOW_SMTP_HOST");
    boolean ownSmtp = smtpHost == null || smtpHost.isBlank();
    checkPortsFree(units, ownNats, ownPsp, ownSmtp);

    sup = new Supervisor(logs).serviceGrace(stopTimeout);
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "run-stop"));
    try {
      return startAndSupervise(natsServer, launch, units, natsUrl, ownNats, pspUrl, ownPsp, smtpHost, ownSmtp);
    } catch (Exception | Error e) {
      // Whatever went wrong, nothing this run started outlives it (and the exit code stays the failure's).
      stopAll();
      throw e;
    }
  }

  private int startAndSupervise(Path natsServer, Launch launch, List<RunPorts.Unit> units, String natsUrl, boolean ownNats,
                                String pspUrl, boolean ownPsp, String smtpHost, boolean ownSmtp) throws Exception {
    Map<String, String> secrets = LocalSecrets.load(data.resolve("secrets.env"));
    Map<String, String> common = new LinkedHashMap<>();
    secrets.forEach((k, v) -> {
      if (k.startsWith("ORDERFLOW_NATS_")) common.put(k, v);
    });
    String natsNote;
    if (ownNats) {
      natsUrl = startNats(natsServer, common);
      natsNote = natsUrl + " (nats-server " + NatsServerBinary.version(natsServer) + (opt.natsNodes() > 1 ? ", " + opt.natsNodes() + " nodes, R3" : "")
          + ", monitoring http://127.0.0.1:" + ports.natsMonitor() + ", data .data/nats" + (opt.natsNodes() > 1 ? "-N" : "") + ", fsync " + sync + ")";
    } else {
      say("using NATS at " + natsUrl);
      natsNote = natsUrl + " (yours, from NATS_URL)";
    }
    common.put("NATS_URL", natsUrl);
    if (opt.natsNodes() >= 3) common.put("ORDERFLOW_NATS_REPLICAS", "3");

    say("provisioning streams, consumers and key-value buckets");
    Proc provision = create("provision", launch.java("provision", true), common);
    sup.start(provision);
    Integer rc = provision.awaitExit(Duration.ofSeconds(180));
    if (rc == null || rc != 0) {
      if (rc == null) provision.kill();
      return fail(provision, "provision failed" + (rc == null ? " (timed out after 180s)" : " (exit " + rc + ")"));
    }

    String pspNote;
    String pspLabel = "psp-sim";
    if (ownPsp) {
      pspUrl = "http://127.0.0.1:" + ports.psp();
      pspNote = pspUrl + "  ledger: " + pspUrl + "/admin/ledger (Authorization: Bearer $ORDERFLOW_PSP_ADMIN_SECRET, in .data/secrets.env)";
      start(create("psp-sim", launch.java("psp-sim", true), Map.of("ORDERFLOW_PSP_PORT", String.valueOf(ports.psp()),
          "ORDERFLOW_PSP_HOST", bindHost, LocalSecrets.PSP_ADMIN, secrets.get(LocalSecrets.PSP_ADMIN))));
    } else {
      pspLabel = "gateway";
      pspNote = pspUrl + " (yours, from ORDERFLOW_PSP_URL)";
    }
    String smtpNote;
    if (ownSmtp) {
      smtpHost = "127.0.0.1";
      smtpNote = "smtp://127.0.0.1:" + ports.smtp() + ", every mail lands in .data/mail/*.eml";
      start(create("smtp-sink", launch.java("smtp-sink", true), Map.of("ORDERFLOW_SMTP_PORT", String.valueOf(ports.smtp()),
          "ORDERFLOW_MAIL_DIR", data.resolve("mail").toString())));
    } else {
      smtpNote = smtpHost + ":" + ports.smtp() + " (yours, from ORDERFLOW_SMTP_HOST)";
    }

    Map<String, String> serviceEnv = new LinkedHashMap<>(common);
    serviceEnv.put("ORDERFLOW_PSP_URL", pspUrl);
    serviceEnv.put("ORDERFLOW_SMTP_HOST", smtpHost);
    serviceEnv.put("ORDERFLOW_SMTP_PORT", String.valueOf(ports.smtp()));
    serviceEnv.put("ORDERFLOW_CATALOG_SEED", root.resolve("config/demo-catalog.json").toString());
    serviceEnv.put("ORDERFLOW_DATA_DIR", data.toString());
    serviceEnv.put("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR", data.resolve("jwt").toString());
    serviceEnv.put("ORDERFLOW_HTTP_HOST", bindHost);
    serviceEnv.put("ORDERFLOW_MGMT_HOST", bindHost);
    for (RunPorts.Unit u : units) {
      Map<String, String> env = new LinkedHashMap<>(serviceEnv);
      env.put("ORDERFLOW_HTTP_PORT", String.valueOf(u.http()));
      env.put("ORDERFLOW_MGMT_PORT", String.valueOf(u.mgmt()));
      // The console (orders' management port) drives the local psp-sim's faults; a gateway of yours it leaves alone.
      if (ownPsp && hostsOrders(u)) env.put(LocalSecrets.PSP_ADMIN, secrets.get(LocalSecrets.PSP_ADMIN));
      start(create(u.name(), launch.java("service " + u.services(), false), env));
    }
    String notReady = awaitReady(units, ownPsp, ownSmtp);
    if (notReady != null) return notReady.isEmpty() ? 1 : fail(proc(notReady), notReady + " not ready after " + readyTimeout.toSeconds() + "s");
    printTable(units, pspLabel, pspNote, smtpNote, natsNote);
    return supervise();
  }

  /**
   * Should this JVM be killed with -9 (no shutdown hook runs), a watchdog in a session of its own runs
   * {@code stop} once it is gone: the processes it started are stopped in order all the same. After a normal
   * end it finds nothing to stop.
   */
  private void startWatchdog(Launch launch) throws IOException {
    if (!SETSID) return;
    new ProcessBuilder("setsid", "sh", "-c", "while kill -0 \"$0\" 2>/dev/null; do sleep 2; done; exec \"$1\" -jar \"$2\" stop --after-run \"$0\"",
        String.valueOf(ProcessHandle.current().pid()), launch.javaBin(), launch.jar().toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("watchdog.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
  }

  private String startNats(Path binary, Map<String, String> passwords) throws Exception {
    Path conf = data.resolve("nats.conf");
    Files.writeString(conf, NatsRunConfig.withSync(Files.readString(root.resolve("config/nats/local.conf")), sync));
    // local.conf includes ./identities.conf: beside the generated file, the same rules.
    Files.copy(root.resolve("config/nats/identities.conf"), data.resolve("identities.conf"), StandardCopyOption.REPLACE_EXISTING);
    int n = opt.natsNodes();
    List<String> urls = new ArrayList<>();
    List<Proc> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = n == 1 ? "nats" : "nats-" + (i + 1);
      Path store = Files.createDirectories(data.resolve(n == 1 ? "nats" : "nats-" + (i + 1)));
      List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-c", conf.toString(), "-p", String.valueOf(ports.nats() + i),
          "-m", String.valueOf(ports.natsMonitor() + i), "-js", "-sd", store.toString()));
      if (n > 1) {
        // Every node's route, its own included (a server skips the route to itself).
        String routes = java.util.stream.IntStream.range(0, n)
            .mapToObj(j -> "nats://127.0.0.1:" + (ports.natsCluster() + j)).collect(Collectors.joining(","));
        cmd.addAll(List.of("-n", "orderflow-" + (i + 1), "--cluster_name", "orderflow-local",
            "--cluster", "nats://127.0.0.1:" + (ports.natsCluster() + i), "--routes", routes));
      }
      nodes.add(start(create(name, cmd, passwords)));
      urls.add("nats://127.0.0.1:" + (ports.nats() + i));
    }
    for (int i = 0; i < n; i++) {
      Proc node = nodes.get(i);
      String health = "http://127.0.0.1:" + (ports.natsMonitor() + i) + (n == 1 ? "/healthz?js-enabled-only=true" : "/healthz");
      Wait.until(node.name + " healthy", Duration.ofSeconds(60), () -> {
        if (!node.alive()) throw new IllegalStateException(node.name + " exited during start-up; see .data/logs/" + node.name + ".log");
        return http.status(health) == 200;
      });
    }
    return String.join(",", urls);
  }

  /** null when everything is ready; else the name of the first process that is not ("" when a failure was already reported). */
  private String awaitReady(List<RunPorts.Unit> units, boolean psp, boolean smtp) throws InterruptedException {
    Map<String, java.util.function.BooleanSupplier> checks = new LinkedHashMap<>();
    if (psp) checks.put("psp-sim", () -> http.status("http://127.0.0.1:" + ports.psp() + "/") != 0);
    if (smtp) checks.put("smtp-sink", () -> accepts(ports.smtp()));
    for (RunPorts.Unit u : units) checks.put(u.name(), () -> http.status("http://127.0.0.1:" + u.mgmt() + "/ready") == 200);
    say("waiting for " + String.join(" ", checks.keySet()) + " to be ready (up to " + readyTimeout.toSeconds() + "s)");
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (true) {
      String pending = null;
      for (var c : checks.entrySet()) {
        Proc p = proc(c.getKey());
        if (!p.alive()) {
          fail(p, p.name + " exited during start-up" + exitNote(p));
          return "";
        }
        if (pending == null && !c.getValue().getAsBoolean()) pending = c.getKey();
      }
      if (pending == null) return null;
      if (System.nanoTime() > deadline) return pending;
      Thread.sleep(500);
    }
  }

  /**
   * Stays until a signal (the shutdown hook stops everything). A process that ends is started again, as
   * Kubernetes restarts a container: after 1 s, then 2, 4 and 8 s; one that ends {@link #CRASH_LOOP} times
   * within {@link #CRASH_WINDOW} stops the run (exit 1).
   */
  private int supervise() throws Exception {
    Map<String, List<Long>> exits = new java.util.HashMap<>();
    Map<String, Long> startAt = new java.util.HashMap<>();
    while (true) {
      for (Proc p : sup.all()) {
        if (p.name.equals("provision") || p.alive() || stopping.get()) continue;
        long now = System.nanoTime();
        Long due = startAt.get(p.name);
        if (due == null) {
          List<Long> recent = exits.computeIfAbsent(p.name, n -> new ArrayList<>());
          recent.removeIf(t -> now - t > CRASH_WINDOW.toNanos());
          recent.add(now);
          if (recent.size() >= CRASH_LOOP) {
            return fail(p, p.name + " exited " + recent.size() + " times within " + CRASH_WINDOW.toSeconds() + "s" + exitNote(p) + "; stopping the rest");
          }
          long backoff = 1L << (recent.size() - 1);
          say(p.name + " exited" + exitNote(p) + "; starting it again in " + backoff + "s (log: " + root.relativize(p.log) + ")");
          startAt.put(p.name, now + Duration.ofSeconds(backoff).toNanos());
        } else if (now >= due) {
          startAt.remove(p.name);
          start(p);
        }
      }
      Thread.sleep(250);
    }
  }

  static final int CRASH_LOOP = 5;
  static final Duration CRASH_WINDOW = Duration.ofMinutes(2);

  /**
   * Every child in a session of its own: Ctrl-C reaches only this JVM, whose shutdown hook then stops the
   * services (they drain), psp-sim and the SMTP sink, and nats-server last, in that order.
   */
  private Proc create(String name, List<String> command, Map<String, String> env) throws IOException {
    Path log = logs.resolve(name + ".log");
    if (Files.exists(log)) Files.move(log, logs.resolve(name + ".log.1"), StandardCopyOption.REPLACE_EXISTING);
    List<String> cmd = new ArrayList<>();
    if (SETSID) cmd.add("setsid");
    cmd.addAll(command);
    return sup.create(name, cmd, env);
  }

  private static final boolean SETSID = DevTools.onPath("setsid").isPresent();

  private Proc start(Proc p) throws IOException {
    boolean first = p.pid() < 0;
    sup.start(p);
    pids.write(p.name, p.pid());
    if (first && followLogs() && !p.name.startsWith("nats")) LogFollower.follow(p.log);
    return p;
  }

  private Proc proc(String name) {
    return sup.all().stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
  }

  /** Says what failed with the end of its log, stops everything, exit code 1. */
  private int fail(Proc p, String message) {
    System.err.println("orderflow: " + message);
    try {
      List<String> lines = Files.readAllLines(p.log);
      System.err.println("orderflow: last lines of .data/logs/" + p.log.getFileName() + ":");
      lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> System.err.println("    " + l));
    } catch (IOException e) {
      // no log to show
    }
    stopAll();
    return 1;
  }

  private static String exitNote(Proc p) {
    try {
      Integer rc = p.awaitExit(Duration.ofMillis(100));
      return rc == null ? "" : " (exit " + rc + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private void onSignal() {
    if (stopping.get()) return;
    System.out.println();
    say("stopping (services, then psp-sim and the SMTP sink, then nats-server)");
    stopAll();
    say("stopped");
    System.out.flush();
    // Ctrl-C or `stop` is the normal end of a run: exit 0, not the JVM's 130 or 143.
    Runtime.getRuntime().halt(0);
  }

  private void stopAll() {
    if (!stopping.compareAndSet(false, true)) return;
    if (sup != null) sup.close();
    pids.names().forEach(pids::remove);
    pids.remove("run");
  }

  /** A previous run still running is asked to stop (it stops its own processes in order); leftovers are stopped here. */
  private void stopPrevious() {
    pids.ours("run").filter(p -> p.pid() != ProcessHandle.current().pid()).ifPresent(p -> {
      say("a previous ./orderflow run (pid " + p.pid() + ") is still running: stopping it");
      p.destroy();
      try {
        p.onExit().get(stopTimeout.toSeconds() + 25, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        say("it did not stop in time; stopping what it started");
      }
    });
    pids.remove("run");
    List<String> names = pids.names();
    if (names.stream().anyMatch(n -> pids.ours(n).isPresent())) say("processes of an earlier run are still running (pid files in .data/): stopping them");
    List<String> services = names.stream().filter(n -> !n.startsWith("nats") && !n.equals("psp-sim") && !n.equals("smtp-sink")).toList();
    services.parallelStream().forEach(n -> pids.stop(n, stopTimeout));
    for (String n : List.of("psp-sim", "smtp-sink")) if (names.contains(n)) pids.stop(n, Duration.ofSeconds(5));
    names.stream().filter(n -> n.startsWith("nats")).forEach(n -> pids.stop(n, Duration.ofSeconds(10)));
  }

  private void checkPortsFree(List<RunPorts.Unit> units, boolean nats, boolean psp, boolean smtp) {
    Map<Integer, String> wanted = new LinkedHashMap<>();
    if (nats) {
      for (int i = 0; i < opt.natsNodes(); i++) {
        wanted.put(ports.nats() + i, "nats");
        wanted.put(ports.natsMonitor() + i, "nats-monitor");
        if (opt.natsNodes() > 1) wanted.put(ports.natsCluster() + i, "nats-cluster");
      }
    }
    if (psp) wanted.put(ports.psp(), "psp-sim");
    if (smtp) wanted.put(ports.smtp(), "smtp-sink");
    for (RunPorts.Unit u : units) {
      wanted.put(u.http(), u.name());
      wanted.put(u.mgmt(), u.name() + "-mgmt");
    }
    List<String> busy = wanted.entrySet().stream().filter(e -> accepts(e.getKey())).map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
    if (!busy.isEmpty()) {
      throw new IllegalStateException("port(s) already in use by another program: " + String.join(", ", busy) + ". Find it with: ss -ltnp 'sport = :"
          + busy.getFirst().split(" ")[0] + "' — stop it, or choose other ports (ORDERFLOW_*_PORT, see ./orderflow run --help).");
    }
  }

  /** Whether something listens on {@code port} on loopback. */
  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean hostsOrders(RunPorts.Unit u) {
    return u.services().equals("all") || u.services().equals("orders");
  }

  private void printTable(List<RunPorts.Unit> units, String pspLabel, String pspNote, String smtpNote, String natsNote) {
    StringBuilder t = new StringBuilder("\n");
    if (opt.split() || opt.instances() > 1) {
      t.append("orderflow is running, ").append(opt.split() ? "one JVM per service" : "all five services per JVM")
          .append(opt.instances() > 1 ? ", " + opt.instances() + " instances of each" : "").append(":\n");
      t.append(String.format("  %-16s %-28s %s%n", "process", "public API", "management (/health /ready /metrics)"));
      for (RunPorts.Unit u : units) t.append(String.format("  %-16s %-28s %s%n", u.name(), "http://127.0.0.1:" + u.http(), "http://127.0.0.1:" + u.mgmt()));
    } else {
      t.append("orderflow is running, all five services in one JVM:\n");
      t.append(String.format("  %-14s %s%n", "public API", "http://127.0.0.1:" + units.getFirst().http()));
      t.append(String.format("  %-14s %s%n", "management", "http://127.0.0.1:" + units.getFirst().mgmt() + "  (/health /ready /metrics)"));
    }
    String row = opt.split() || opt.instances() > 1 ? "  %-16s %s%n" : "  %-14s %s%n";
    t.append(String.format(row, pspLabel, pspNote));
    t.append(String.format(row, "mail", smtpNote));
    t.append(String.format(row, "NATS", natsNote));
    t.append(String.format(row, "logs", ".data/logs/  (tail -F .data/logs/*.log)"));
    t.append(String.format(row, "tokens", "T=$(./orderflow token --customer c-1)  (or --admin); send Authorization: Bearer $T"));
    RunPorts.Unit console = units.stream().filter(LocalRun::hostsOrders).findFirst().orElseThrow();
    t.append(String.format(row, "console", "http://127.0.0.1:" + console.mgmt() + "/console/  (sign in with ./orderflow token --admin)"));
    System.out.println(t);
    say("walk through the three order flows with the curl examples in README.md; a process that ends is started again;"
        + " Ctrl-C (or ./orderflow stop) stops everything");
  }

  /** ORDERFLOW_LOG_STDOUT: 1 copies the processes' logs to stdout, 0 does not, auto (default) when stdout is not a terminal. */
  private static boolean followLogs() {
    String v = Bench.env("ORDERFLOW_LOG_STDOUT", "auto");
    return switch (v) {
      case "1", "true", "yes" -> true;
      case "auto" -> !stdoutIsTerminal();
      default -> false;
    };
  }

  private static boolean stdoutIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static Duration seconds(String variable, long dflt) {
    String v = Bench.env(variable, String.valueOf(dflt));
    try {
      long n = Long.parseLong(v);
      if (n > 0) return Duration.ofSeconds(n);
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(variable + "=" + v + " is not a number of seconds above 0");
  }


  static void say(String line) {
    System.out.println("orderflow: " + line);
  }
}
