package io.orderflow.chaos;

import io.orderflow.runtime.LoopbackPorts;
import io.orderflow.runtime.security.DevKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --split} topology from real processes: nats-server (one node or a three-node cluster),
 * {@code provision}, psp-sim, the SMTP sink and one process per service instance, each on free ports. The
 * services trust a development key of the run's own ({@link #devKeys}), with which the harness signs its tokens.
 */
final class Deployment {
  static final List<String> SERVICES = List.of("orders", "inventory", "payments", "notifications", "audit");
  /** The one process of a combined deployment, serving every service. */
  static final String ALL = "all";

  /**
   * What a scenario asks for: broker nodes, instances per service, extra settings; {@code combined}: every
   * service in one process ({@code services all}, what {@code ./orderflow run} starts); {@code natsSync}: the
   * server's {@code sync_interval} (null: the server's default).
   */
  record Spec(int natsNodes, Map<String, Integer> instances, Map<String, String> env, Map<String, Map<String, String>> serviceEnv,
              boolean combined, String natsSync) {
    static Spec standard() {
      return new Spec(1, Map.of(), Map.of(), Map.of(), false, null);
    }

    Spec nodes(int n) {
      return new Spec(n, instances, env, serviceEnv, combined, natsSync);
    }

    Spec instances(String service, int n) {
      Map<String, Integer> m = new HashMap<>(instances);
      m.put(service, n);
      return new Spec(natsNodes, m, env, serviceEnv, combined, natsSync);
    }

    /** A setting for the first instance of one service only (a failpoint). */
    Spec serviceEnv(String service, String key, String value) {
      Map<String, Map<String, String>> m = new HashMap<>(serviceEnv);
      m.put(service, Map.of(key, value));
      return new Spec(natsNodes, instances, env, m, combined, natsSync);
    }

    /** All services in one process, as {@code ./orderflow run} starts them. */
    Spec allInOne() {
      return new Spec(natsNodes, instances, env, serviceEnv, true, natsSync);
    }

    Spec natsSync(String interval) {
      return new Spec(natsNodes, instances, env, serviceEnv, combined, interval);
    }

    Spec allTwice() {
      Spec s = this;
      for (String svc : SERVICES) s = s.instances(svc, 2);
      return s;
    }

    Spec env(String key, String value) {
      Map<String, String> m = new HashMap<>(env);
      m.put(key, value);
      return new Spec(natsNodes, instances, m, serviceEnv, combined, natsSync);
    }

    int count(String service) {
      return instances.getOrDefault(service, 1);
    }
  }

  /** One service process. */
  record Instance(String service, int index, int httpPort, int mgmtPort, Proc proc) {
    String api() {
      return "http://127.0.0.1:" + httpPort;
    }

    String ready() {
      return mgmt() + "/ready";
    }

    /** The management port's base URL (health, readiness, metrics, the DLQ admin). */
    String mgmt() {
      return "http://127.0.0.1:" + mgmtPort;
    }

    String label() {
      return proc == null ? service + (index == 1 ? "" : "-" + index) : proc.name;
    }
  }

  final Supervisor sup;
  final Launch launch;
  final Http http;
  final NatsNodes nats;
  final String pspUrl;
  /** The Authorization psp-sim's {@code /admin/*} (faults, ledger) want: its admin secret, made per run. */
  final String pspAdmin;
  final Path mailDir;
  /** The key pair every service process verifies bearer tokens with; {@link Tokens} signs with it. */
  final DevKeys devKeys;
  final List<Instance> instances = new ArrayList<>();
  private final Map<String, String> serviceEnv = new LinkedHashMap<>();

  private Deployment(Supervisor sup, Launch launch, Http http, NatsNodes nats, String pspUrl, String pspAdmin, Path mailDir, DevKeys devKeys) {
    this.sup = sup;
    this.launch = launch;
    this.http = http;
    this.nats = nats;
    this.pspUrl = pspUrl;
    this.pspAdmin = pspAdmin;
    this.mailDir = mailDir;
    this.devKeys = devKeys;
  }

  /**
   * A view of a system another supervisor started (the rehearsal's {@code run}): its instances have no
   * {@link Proc} here, the broker nodes are not this harness's.
   */
  static Deployment attached(Supervisor sup, Launch launch, Http http, String pspUrl, String pspAdmin, Path mailDir, DevKeys keys,
                             List<Instance> instances) {
    Deployment d = new Deployment(sup, launch, http, null, pspUrl, pspAdmin, mailDir, keys);
    d.instances.addAll(instances);
    return d;
  }

  /** Work on the provisioned broker before any service starts (the bench's history loader). */
  interface BeforeServices {
    void run(String natsUrls) throws Exception;
  }

  /** Seconds from starting the service processes until each service was ready (the first start only). */
  final Map<String, Double> startupSeconds = new LinkedHashMap<>();

  static Deployment start(Supervisor sup, Launch launch, Http http, Spec spec, Map<String, String> timingEnv) throws Exception {
    return start(sup, launch, http, spec, timingEnv, null);
  }

  static Deployment start(Supervisor sup, Launch launch, Http http, Spec spec, Map<String, String> timingEnv, BeforeServices before)
      throws Exception {
    NatsNodes nats = NatsNodes.start(sup, launch.natsBinary(), spec.natsNodes(), spec.natsSync(), http);
    // A key of this run's own, made before any service starts: the services refuse to start without one, and
    // a key shared with ./orderflow run (.data/jwt) would let that system's tokens into this one.
    Path keyDir = sup.dir.resolve("jwt").toAbsolutePath();
    DevKeys keys = DevKeys.ensure(keyDir);
    Map<String, String> common = new LinkedHashMap<>();
    common.put("NATS_URL", nats.serviceUrls());
    // Every identity's password: a process uses its services' (and, for the DLQ admin, ops's).
    common.putAll(nats.passwords);
    common.put("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR", keyDir.toString());
    common.put("ORDERFLOW_NATS_REPLICAS", spec.natsNodes() >= 3 ? "3" : "1");
    common.putAll(timingEnv);
    common.putAll(spec.env());

    Proc provision = sup.create("provision", launch.java("provision", true), common);
    provision.start();
    Integer rc = provision.awaitExit(Duration.ofSeconds(120));
    if (rc == null || rc != 0) {
      provision.kill();
      throw new IllegalStateException("provision " + (rc == null ? "timed out" : "failed (exit " + rc + ")") + "; see " + provision.log);
    }
    if (before != null) before.run(nats.urls());

    int pspPort = LoopbackPorts.free();
    String pspAdminSecret = io.orderflow.runtime.nats.NatsIdentities.randomPassword();
    Proc psp = sup.create("psp-sim", launch.java("psp-sim", true),
        Map.of("ORDERFLOW_PSP_PORT", String.valueOf(pspPort), "ORDERFLOW_PSP_ADMIN_SECRET", pspAdminSecret));
    psp.start();
    int smtpPort = LoopbackPorts.free();
    Path mail = Files.createDirectories(sup.dir.resolve("mail"));
    Proc smtp = sup.create("smtp-sink", launch.java("smtp-sink", true),
        Map.of("ORDERFLOW_SMTP_PORT", String.valueOf(smtpPort), "ORDERFLOW_MAIL_DIR", mail.toString()));
    smtp.start();

    Deployment d = new Deployment(sup, launch, http, nats, "http://127.0.0.1:" + pspPort, "Bearer " + pspAdminSecret, mail, keys);
    d.serviceEnv.putAll(common);
    d.serviceEnv.put("ORDERFLOW_PSP_URL", d.pspUrl);
    d.serviceEnv.put("ORDERFLOW_SMTP_HOST", "127.0.0.1");
    d.serviceEnv.put("ORDERFLOW_SMTP_PORT", String.valueOf(smtpPort));
    Wait.until("psp-sim up", Duration.ofSeconds(60), () -> {
      if (!psp.alive()) throw new IllegalStateException("psp-sim exited; see " + psp.log);
      return http.status(d.pspUrl + "/health") == 200;
    });
    long started = System.nanoTime();
    if (spec.combined()) {
      d.add(ALL, Map.of()).proc.start();
    } else {
      for (String svc : SERVICES) {
        for (int i = 1; i <= spec.count(svc); i++) d.add(svc, i == 1 ? spec.serviceEnv().getOrDefault(svc, Map.of()) : Map.of()).proc.start();
      }
    }
    d.startupSeconds.putAll(new StartupClock(http, d.instances, started).await(Duration.ofSeconds(180)));
    return d;
  }

  /** Creates (does not start) one more instance of a service, with extra settings. */
  Instance add(String service, Map<String, String> extraEnv) {
    int index = (int) instances.stream().filter(i -> i.service.equals(service)).count() + 1;
    int httpPort = LoopbackPorts.free();
    int mgmtPort = LoopbackPorts.free();
    Map<String, String> env = new LinkedHashMap<>(serviceEnv);
    env.put("ORDERFLOW_HTTP_PORT", String.valueOf(httpPort));
    env.put("ORDERFLOW_MGMT_PORT", String.valueOf(mgmtPort));
    env.putAll(extraEnv);
    String name = service.equals(ALL) ? "services" : service + (index == 1 ? "" : "-" + index);
    Proc proc = sup.create(name, launch.java("service " + service, false), env);
    Instance inst = new Instance(service, index, httpPort, mgmtPort, proc);
    instances.add(inst);
    return inst;
  }

  void awaitReady(List<Instance> which, Duration timeout) throws Exception {
    for (Instance inst : which) {
      Wait.until(inst.label() + " ready", timeout, Duration.ofMillis(300), () -> {
        if (!inst.proc.alive()) throw new IllegalStateException(inst.label() + " exited during start-up; see " + inst.proc.log);
        return http.status(inst.ready()) == 200;
      });
    }
  }

  /** Starts a stopped instance again on the same ports and waits until it is ready. */
  void restart(Instance inst, Duration timeout) throws Exception {
    inst.proc.start();
    awaitReady(List.of(inst), timeout);
  }

  List<Instance> of(String service) {
    return instances.stream().filter(i -> i.service.equals(service) || i.service.equals(ALL)).toList();
  }

  Instance first(String service) {
    return of(service).getFirst();
  }

  /** Public API base URLs of the running orders instances (the load spreads over them); all of them if none runs. */
  List<String> orderApis() {
    List<String> live = of("orders").stream().filter(i -> i.proc == null || i.proc.alive()).map(Instance::api).toList();
    return live.isEmpty() ? of("orders").stream().map(Instance::api).toList() : live;
  }

  /** A running instance's public API (the first if none runs). */
  String api(String service) {
    return of(service).stream().filter(i -> i.proc == null || i.proc.alive()).findFirst().orElse(first(service)).api();
  }
}
