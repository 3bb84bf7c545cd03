package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What every pod must be: probes on ports the container declares (and, for the services, on the management port's
 * /health and /ready), requests and limits, the hardened security context, a grace period longer than the whole
 * stop sequence, and the launcher command its image has. Jobs and CronJobs (provision, backup) have a deadline instead
 * of probes; a CronJob never runs twice at once; the backup writes onto a persistent volume and prunes.
 */
final class PodPolicy {
  static final Set<String> SERVICES = Set.of("orders", "inventory", "payments", "notifications", "audit");
  /** Launcher commands per image: the production image has no psp-sim, SMTP sink, chaos harness or failpoints. */
  static final Set<String> PRODUCTION_COMMANDS = Set.of("service", "provision", "backup");
  /** Commands that end by themselves: they belong in a Job or CronJob, never in a Deployment or StatefulSet. */
  static final Set<String> ONE_SHOT_COMMANDS = Set.of("provision", "backup");
  static final Set<String> DEVTOOLS_COMMANDS = Set.of("psp-sim", "smtp-sink");

  // What the launcher does (config/orderflow.properties; verticles/runtime ServiceHost and ManagementServer).
  static final int DEFAULT_HTTP_PORT = 8080;
  static final int DEFAULT_MGMT_PORT = 9080;
  static final String LIVENESS_PATH = "/health";
  static final String READINESS_PATH = "/ready";
  /** shutdown.timeout's default: the drain budget. */
  static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
  /** After the drain budget the process allows itself 5 s more, then 10 s to close Vert.x, then exits. */
  static final Duration AFTER_DRAIN = Duration.ofSeconds(5 + 10);

  private PodPolicy() {}

  static List<String> check(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Manifests.Workload w : m.workloads()) {
      pod(w, out);
      for (JsonNode c : w.containers()) {
        String at = w.label() + " container " + c.path("name").asText();
        resources(c, at, out);
        hardening(w, c, at, out);
        probePorts(w, c, at, out);
        if (Containers.isOrderflow(c)) launcher(m, w, c, at, out);
      }
    }
    return out;
  }

  private static void pod(Manifests.Workload w, List<String> out) {
    JsonNode spec = w.podSpec();
    if (!spec.path("automountServiceAccountToken").isBoolean() || spec.path("automountServiceAccountToken").asBoolean()) {
      out.add(w.label() + ": automountServiceAccountToken is not false (no pod here talks to the Kubernetes API)");
    }
    // A Job has no probes: a deadline ends one that hangs (its retries included).
    if (w.runsToCompletion() && w.jobSpec().path("activeDeadlineSeconds").asLong(0) <= 0) {
      out.add(w.label() + ": no activeDeadlineSeconds");
    }
    // Two runs at once would share their volume and work (a backup's pruning): a run still going skips the next.
    if (w.kind().equals("CronJob") && !w.object().path("spec").path("concurrencyPolicy").asText("Allow").equals("Forbid")) {
      out.add(w.label() + ": concurrencyPolicy is " + w.object().path("spec").path("concurrencyPolicy").asText("Allow (the default)") + ", not Forbid");
    }
  }

  private static void resources(JsonNode c, String at, List<String> out) {
    JsonNode r = c.path("resources");
    for (String kind : List.of("requests", "limits")) {
      for (String resource : List.of("cpu", "memory")) {
        if (r.path(kind).path(resource).isMissingNode()) out.add(at + ": no " + kind + "." + resource);
      }
    }
    for (String resource : List.of("cpu", "memory")) {
      JsonNode req = r.path("requests").path(resource);
      JsonNode lim = r.path("limits").path(resource);
      if (!req.isMissingNode() && !lim.isMissingNode()
          && Quantity.getAmountInBytes(new Quantity(req.asText())).compareTo(Quantity.getAmountInBytes(new Quantity(lim.asText()))) > 0) {
        out.add(at + ": requests." + resource + " " + req.asText() + " exceeds limits." + resource + " " + lim.asText());
      }
    }
  }

  private static void hardening(Manifests.Workload w, JsonNode c, String at, List<String> out) {
    JsonNode pod = w.podSpec().path("securityContext");
    JsonNode sc = c.path("securityContext");
    if (!effective(sc, pod, "runAsNonRoot").map(JsonNode::asBoolean).orElse(false)) out.add(at + ": runAsNonRoot is not true");
    if (effective(sc, pod, "runAsUser").map(JsonNode::asInt).orElse(-1) == 0) out.add(at + ": runs as uid 0");
    if (!effective(sc, pod, "seccompProfile").map(p -> p.path("type").asText()).orElse("").equals("RuntimeDefault")) {
      out.add(at + ": seccompProfile is not RuntimeDefault");
    }
    if (!sc.path("allowPrivilegeEscalation").isBoolean() || sc.path("allowPrivilegeEscalation").asBoolean()) {
      out.add(at + ": allowPrivilegeEscalation is not false");
    }
    if (!sc.path("readOnlyRootFilesystem").asBoolean()) out.add(at + ": readOnlyRootFilesystem is not true");
    if (sc.path("privileged").asBoolean()) out.add(at + ": privileged");
    boolean dropsAll = false;
    for (JsonNode cap : sc.path("capabilities").path("drop")) dropsAll |= cap.asText().equals("ALL");
    if (!dropsAll) out.add(at + ": capabilities.drop does not contain ALL");
    if (!sc.path("capabilities").path("add").isEmpty()) out.add(at + ": adds capabilities " + sc.path("capabilities").path("add"));
  }

  private static Optional<JsonNode> effective(JsonNode container, JsonNode pod, String field) {
    if (container.has(field)) return Optional.of(container.get(field));
    return pod.has(field) ? Optional.of(pod.get(field)) : Optional.empty();
  }

  /** Every probe on a port the container declares; liveness and readiness on every long-running container. */
  private static void probePorts(Manifests.Workload w, JsonNode c, String at, List<String> out) {
    for (String probe : List.of("livenessProbe", "readinessProbe")) {
      if (!w.runsToCompletion() && c.path(probe).isMissingNode()) out.add(at + ": no " + probe);
    }
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode p = c.path(probe);
      for (String handler : List.of("httpGet", "tcpSocket", "grpc")) {
        JsonNode port = p.path(handler).path("port");
        if (!port.isMissingNode() && Containers.resolvePort(c, port).isEmpty()) {
          out.add(at + ": " + probe + " on port " + port.asText() + ", which the container does not declare");
        }
      }
    }
  }

  private static void launcher(Manifests m, Manifests.Workload w, JsonNode c, String at, List<String> out) {
    String image = Containers.imageName(c);
    String command = Containers.command(c);
    Set<String> allowed = image.equals(Containers.IMAGE) ? PRODUCTION_COMMANDS : DEVTOOLS_COMMANDS;
    if (!allowed.contains(command)) out.add(at + ": image " + image + " runs " + Containers.args(c) + ", not one of " + new java.util.TreeSet<>(allowed));
    if (!mountsTmp(w, c)) out.add(at + ": no writable emptyDir at /tmp (the root filesystem is read-only)");
    if (ONE_SHOT_COMMANDS.contains(command) && !w.runsToCompletion()) out.add(at + ": runs " + command + ", which ends by itself, outside a Job or CronJob");
    switch (command) {
      case "service" -> service(m, w, c, at, out);
      case "provision" -> {
        if (!Containers.args(c).equals(List.of("provision"))) out.add(at + ": args " + Containers.args(c) + ", expected [provision]");
      }
      case "backup" -> backup(w, c, at, out);
      case "psp-sim" -> listens(m, c, at, "ORDERFLOW_PSP_PORT", 8090, out);
      case "smtp-sink" -> listens(m, c, at, "ORDERFLOW_SMTP_PORT", 2525, out);
      default -> { }
    }
  }

  private static void service(Manifests m, Manifests.Workload w, JsonNode c, String at, List<String> out) {
    String name = w.podLabels().getOrDefault("app.kubernetes.io/name", "");
    List<String> args = Containers.args(c);
    if (!SERVICES.contains(name) || !args.equals(List.of("service", name))) {
      out.add(at + ": args " + args + " do not run the service its app.kubernetes.io/name label names (" + name + ")");
    }
    int http = listens(m, c, at, "ORDERFLOW_HTTP_PORT", DEFAULT_HTTP_PORT, out);
    int mgmt = listens(m, c, at, "ORDERFLOW_MGMT_PORT", DEFAULT_MGMT_PORT, out);
    probe(c, at, "startupProbe", LIVENESS_PATH, mgmt, http, out);
    probe(c, at, "livenessProbe", LIVENESS_PATH, mgmt, http, out);
    probe(c, at, "readinessProbe", READINESS_PATH, mgmt, http, out);
    gracePeriod(m, w, c, at, out);
  }

  private static void probe(JsonNode c, String at, String probe, String path, int mgmt, int http, List<String> out) {
    JsonNode get = c.path(probe).path("httpGet");
    if (get.isMissingNode()) {
      out.add(at + ": no HTTP " + probe + " (expected GET " + path + " on the management port " + mgmt + ")");
      return;
    }
    if (!get.path("path").asText().equals(path)) out.add(at + ": " + probe + " on path " + get.path("path").asText() + ", expected " + path);
    Optional<Integer> port = Containers.resolvePort(c, get.path("port"));
    if (port.isPresent() && port.get() != mgmt) {
      out.add(at + ": " + probe + " on port " + port.get() + (port.get() == http ? " (the public port)" : "") + ", not the management port " + mgmt);
    }
  }

  /** A listening port set by the environment (or its default) must be a declared container port. */
  private static int listens(Manifests m, JsonNode c, String at, String variable, int dflt, List<String> out) {
    int port = Containers.value(m, c, variable).map(Integer::parseInt).orElse(dflt);
    boolean declared = false;
    for (JsonNode p : c.path("ports")) declared |= p.path("containerPort").asInt() == port;
    if (!declared) out.add(at + ": listens on " + port + " (" + variable + ") but declares no such containerPort");
    return port;
  }

  /**
   * Kubernetes kills the pod terminationGracePeriodSeconds after it starts stopping it, preStop included: the preStop
   * pause, the drain budget and the process's own margin must fit, or in-flight messages are cut off.
   */
  private static void gracePeriod(Manifests m, Manifests.Workload w, JsonNode c, String at, List<String> out) {
    JsonNode preStop = c.path("lifecycle").path("preStop");
    long pause = preStop.path("sleep").path("seconds").asLong(0);
    if (pause <= 0) out.add(at + ": no preStop pause (endpoints and the ingress must drop the pod before it stops serving)");
    Duration drain = Containers.value(m, c, "ORDERFLOW_SHUTDOWN_TIMEOUT")
        // Parsed as the launcher parses it: the same code.
        .map(v -> io.orderflow.runtime.Settings.of(java.util.Map.of("shutdown.timeout", v)).duration("shutdown.timeout", DEFAULT_DRAIN))
        .orElse(DEFAULT_DRAIN);
    long needed = pause + drain.plus(AFTER_DRAIN).toSeconds();
    long grace = w.podSpec().path("terminationGracePeriodSeconds").asLong(30);
    if (grace <= needed) {
      out.add(at + ": terminationGracePeriodSeconds " + grace + " is not longer than preStop " + pause + " s + drain "
          + drain.toSeconds() + " s + " + AFTER_DRAIN.toSeconds() + " s = " + needed + " s");
    }
  }

  /**
   * {@code backup --into BASE --keep N}: a new directory BASE/<UTC time> per run, the newest N complete backups kept. BASE
   * must be on a PersistentVolumeClaim (anything else vanishes with the pod) mounted writable, and N at least 1.
   */
  private static void backup(Manifests.Workload w, JsonNode c, String at, List<String> out) {
    List<String> args = Containers.args(c);
    if (args.size() != 5 || !args.get(1).equals("--into") || !args.get(3).equals("--keep") || !args.get(4).matches("[1-9][0-9]*")) {
      out.add(at + ": args " + args + ", expected [backup, --into, <directory on the backup volume>, --keep, <backups to keep, at least 1>]");
      return;
    }
    String base = args.get(2);
    Optional<JsonNode> mount = mountUnder(c, base);
    boolean onClaim = mount.map(mt -> {
      for (JsonNode v : w.podSpec().path("volumes")) {
        if (v.path("name").asText().equals(mt.path("name").asText())) return v.has("persistentVolumeClaim");
      }
      return false;
    }).orElse(false);
    if (!onClaim) out.add(at + ": backs up into " + base + ", which is not on a PersistentVolumeClaim (the backups would vanish with the pod)");
    else if (mount.get().path("readOnly").asBoolean()) out.add(at + ": backs up into " + base + ", which is mounted read-only");
  }

  /** The volume mount holding {@code path} (the longest mount path that contains it). */
  private static Optional<JsonNode> mountUnder(JsonNode c, String path) {
    JsonNode best = null;
    for (JsonNode mount : c.path("volumeMounts")) {
      String mp = mount.path("mountPath").asText().replaceAll("/+$", "");
      if ((path.equals(mp) || path.startsWith(mp + "/")) && (best == null || mp.length() > best.path("mountPath").asText().replaceAll("/+$", "").length())) {
        best = mount;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean mountsTmp(Manifests.Workload w, JsonNode c) {
    for (JsonNode mount : c.path("volumeMounts")) {
      if (!mount.path("mountPath").asText().equals("/tmp")) continue;
      for (JsonNode v : w.podSpec().path("volumes")) {
        if (v.path("name").asText().equals(mount.path("name").asText()) && v.has("emptyDir")) return true;
      }
    }
    return false;
  }
}
