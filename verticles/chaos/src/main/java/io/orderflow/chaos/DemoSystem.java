package io.orderflow.chaos;

import io.orderflow.runtime.security.DevKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's system: {@code ./orderflow run} itself, started as a child of this JVM (in a session of its own, so
 * that Ctrl-C reaches only the demo, which then stops it in run's own order), on run's fixed ports and in its
 * {@code .data/}: the console URL the demo prints is the one a user would open. The harness attaches to it as
 * the rehearsal does: run's secrets and development key, the broker as the {@code ops} identity.
 */
final class DemoSystem {
  /** Refused before anything started: the ports or the checkout are taken by another run. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /** Longer than run's own stop (services ORDERFLOW_STOP_TIMEOUT, 35 s, then psp-sim, the SMTP sink, nats-server). */
  private static final Duration STOP_GRACE = Duration.ofSeconds(90);
  /** run gives up by itself after ORDERFLOW_READY_TIMEOUT (120 s); the first run may fetch nats-server before. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(6);

  final Path root = Path.of("").toAbsolutePath();
  final Path data = root.resolve(Bench.env("ORDERFLOW_DATA_DIR", ".data"));
  final RunPorts ports = RunPorts.fromEnvironment();
  final Http http = new Http();
  private final Launch launch = Launch.likeRun(false);
  private final Supervisor sup;
  private Proc run;

  private DemoSystem() throws IOException {
    this.sup = new Supervisor(data.resolve("logs")).serviceGrace(STOP_GRACE);
  }

  /** Checks that nothing holds run's ports or this checkout's run: the demo never stops someone else's system. */
  static DemoSystem checked() throws Refused, IOException {
    DemoSystem s = new DemoSystem();
    java.util.Optional<ProcessHandle> running = new PidFiles(s.data, s.root).ours("run");
    if (running.isPresent()) {
      throw new Refused("./orderflow run (pid " + running.get().pid() + ") is running in this checkout, and the demo starts its own on the"
          + " same ports: stop it with ./orderflow stop (or Ctrl-C in its terminal), then start the demo again.");
    }
    List<String> busy = s.busyPorts();
    if (!busy.isEmpty()) {
      throw new Refused("port(s) already in use: " + String.join(", ", busy) + ". The demo starts the system as ./orderflow run does, on"
          + " these ports: is a run still going (./orderflow stop stops one from this checkout)? Find the program with ss -ltnp 'sport = :"
          + busy.getFirst().split(" ")[0] + "'.");
    }
    return s;
  }

  private List<String> busyPorts() {
    RunPorts.Unit u = ports.units(false, 1).getFirst();
    Map<Integer, String> wanted = new LinkedHashMap<>();
    wanted.put(u.http(), "public API");
    wanted.put(u.mgmt(), "management and console");
    wanted.put(ports.psp(), "psp-sim");
    wanted.put(ports.smtp(), "SMTP sink");
    wanted.put(ports.nats(), "NATS");
    wanted.put(ports.natsMonitor(), "NATS monitoring");
    List<String> busy = new ArrayList<>();
    wanted.forEach((port, what) -> {
      if (LocalRun.accepts(port)) busy.add(port + " (" + what + ")");
    });
    return busy;
  }

  /**
   * Starts {@code run} and waits until the services are ready and psp-sim answers. It starts the whole system
   * itself, whatever NATS_URL, ORDERFLOW_PSP_URL or ORDERFLOW_SMTP_HOST say: the demo takes its own gateway down.
   */
  void start() throws Exception {
    Path log = sup.log("demo-run");
    if (Files.exists(log)) Files.move(log, log.resolveSibling("demo-run.log.1"), StandardCopyOption.REPLACE_EXISTING);
    List<String> cmd = new ArrayList<>();
    if (DevTools.onPath("setsid").isPresent()) cmd.add("setsid");
    cmd.addAll(launch.java("run", true));
    Map<String, String> env = Map.of("ORDERFLOW_LOG_STDOUT", "0", "NATS_URL", "", "ORDERFLOW_PSP_URL", "", "ORDERFLOW_SMTP_HOST", "");
    run = sup.start(sup.create("demo-run", cmd, env));
    Wait.until("the system ready", START_TIMEOUT, Duration.ofMillis(500), () -> {
      if (!run.alive()) throw new IllegalStateException("./orderflow run ended during start-up" + exitNote());
      return http.status(mgmt() + "/ready") == 200 && http.status(pspUrl() + "/health") == 200;
    });
  }

  /** The harness's view of the running system: a {@link Run} named {@code demo} with tokens and a broker connection. */
  Run attach(Timings timings) throws Exception {
    Map<String, String> secrets = LocalSecrets.load(data.resolve("secrets.env"));
    DevKeys keys = DevKeys.ensure(data.resolve("jwt"));
    RunPorts.Unit u = ports.units(false, 1).getFirst();
    Run r = new Run("demo", timings, launch, data.resolve("logs"));
    try {
      return r.attachToLocalRun(data, secrets, keys, pspUrl(), "nats://127.0.0.1:" + ports.nats(),
          List.of(new Deployment.Instance(Deployment.ALL, 1, u.http(), u.mgmt(), null)));
    } catch (Exception e) {
      r.close();
      throw e;
    }
  }

  String mgmt() {
    return "http://127.0.0.1:" + ports.mgmt();
  }

  String pspUrl() {
    return "http://127.0.0.1:" + ports.psp();
  }

  String runLog() {
    return root.relativize(sup.log("demo-run")).toString();
  }

  boolean alive() {
    return run != null && run.alive();
  }

  /** The end of run's output (its own messages; the services' logs are beside it in .data/logs). */
  List<String> logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(sup.log("demo-run"));
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** SIGTERM to run, which stops the services (they drain), psp-sim and the SMTP sink, then nats-server. */
  void stop() {
    sup.close();
  }

  private String exitNote() throws InterruptedException {
    Integer rc = run.awaitExit(Duration.ofMillis(100));
    return rc == null ? "" : " (exit " + rc + ")";
  }
}
