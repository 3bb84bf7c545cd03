package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The objects reach each other: Service, PodDisruptionBudget, ServiceMonitor and Ingress selectors and ports match the
 * workloads they mean, volumes name ConfigMaps and PersistentVolumeClaims the overlay has, and every long-running
 * workload has a PDB.
 */
final class WiringPolicy {
  private WiringPolicy() {}

  static List<String> check(Manifests m) {
    List<String> out = new ArrayList<>();
    workloadSelectors(m, out);
    services(m, out);
    disruptionBudgets(m, out);
    serviceMonitors(m, out);
    ingresses(m, out);
    volumes(m, out);
    labels(m, out);
    return out;
  }

  /** The recommended app.kubernetes.io labels: part-of on everything, name and component on what runs or routes. */
  static final java.util.Set<String> NAMED_KINDS = java.util.Set.of("Deployment", "StatefulSet", "Job", "CronJob", "Service",
      "PodDisruptionBudget", "Ingress", "ServiceMonitor", "PrometheusRule", "PersistentVolumeClaim");

  private static void labels(Manifests m, List<String> out) {
    for (JsonNode o : m.all()) {
      Map<String, String> labels = Manifests.stringMap(o.path("metadata").path("labels"));
      if (!"orderflow".equals(labels.get("app.kubernetes.io/part-of"))) out.add(Manifests.kindAndName(o) + ": no label app.kubernetes.io/part-of=orderflow");
      if (NAMED_KINDS.contains(o.path("kind").asText())) {
        for (String key : List.of("app.kubernetes.io/name", "app.kubernetes.io/component")) {
          if (!labels.containsKey(key)) out.add(Manifests.kindAndName(o) + ": no label " + key);
        }
      }
    }
    for (Manifests.Workload w : m.workloads()) {
      for (String key : List.of("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of")) {
        if (!w.podLabels().containsKey(key)) out.add(w.label() + ": its pod template has no label " + key);
      }
    }
  }

  /** matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) against a label set. */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    for (var e : selector.path("matchLabels").properties()) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) return false;
    }
    for (JsonNode x : selector.path("matchExpressions")) {
      String value = labels.get(x.path("key").asText());
      List<String> values = new ArrayList<>();
      x.path("values").forEach(v -> values.add(v.asText()));
      boolean ok = switch (x.path("operator").asText()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> false;
      };
      if (!ok) return false;
    }
    return true;
  }

  /** Service selectors are plain label maps. */
  static boolean selectsMap(JsonNode matchLabels, Map<String, String> labels) {
    for (var e : matchLabels.properties()) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) return false;
    }
    return true;
  }

  private static void workloadSelectors(Manifests m, List<String> out) {
    for (Manifests.Workload w : m.workloads()) {
      if (w.runsToCompletion()) continue;
      JsonNode selector = w.object().path("spec").path("selector");
      if (selector.isMissingNode() || !selects(selector, w.podLabels())) out.add(w.label() + ": its selector does not match its own pod template");
    }
  }

  private static void services(Manifests m, List<String> out) {
    for (JsonNode s : m.ofKind("Service")) {
      String at = Manifests.kindAndName(s);
      List<Manifests.Workload> backends = m.workloads().stream()
          .filter(w -> !w.runsToCompletion() && selectsMap(s.path("spec").path("selector"), w.podLabels())).toList();
      if (backends.isEmpty()) {
        out.add(at + ": its selector matches no workload");
        continue;
      }
      for (JsonNode port : s.path("spec").path("ports")) {
        JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
        for (Manifests.Workload w : backends) {
          boolean found = w.containers().stream().anyMatch(c -> Containers.resolvePort(c, target).isPresent());
          if (!found) out.add(at + ": port " + port.path("name").asText() + " targets " + target.asText() + ", which " + w.label() + " does not declare");
        }
      }
    }
    for (Manifests.Workload w : m.workloads()) {
      String serviceName = w.object().path("spec").path("serviceName").asText("");
      if (w.kind().equals("StatefulSet") && m.find("Service", serviceName).map(s -> !s.path("spec").path("clusterIP").asText().equals("None")).orElse(true)) {
        out.add(w.label() + ": serviceName " + serviceName + " is not a headless Service of the overlay");
      }
    }
  }

  private static void disruptionBudgets(Manifests m, List<String> out) {
    List<JsonNode> pdbs = new ArrayList<>(m.ofKind("PodDisruptionBudget"));
    for (JsonNode pdb : pdbs) {
      long matched = m.workloads().stream().filter(w -> !w.runsToCompletion())
          .filter(w -> selects(pdb.path("spec").path("selector"), w.podLabels())).count();
      if (matched != 1) out.add(Manifests.kindAndName(pdb) + ": its selector matches " + matched + " workloads, expected exactly one");
    }
    for (Manifests.Workload w : m.workloads()) {
      if (w.runsToCompletion()) continue;
      boolean covered = pdbs.stream().anyMatch(pdb -> selects(pdb.path("spec").path("selector"), w.podLabels()));
      if (!covered) out.add(w.label() + ": no PodDisruptionBudget selects its pods");
    }
  }

  private static void serviceMonitors(Manifests m, List<String> out) {
    for (JsonNode sm : m.ofKind("ServiceMonitor")) {
      List<? extends JsonNode> selected = m.ofKind("Service").stream()
          .filter(s -> selects(sm.path("spec").path("selector"), Manifests.stringMap(s.path("metadata").path("labels")))).toList();
      if (selected.isEmpty()) out.add(Manifests.kindAndName(sm) + ": selects no Service");
      for (JsonNode endpoint : sm.path("spec").path("endpoints")) {
        String port = endpoint.path("port").asText();
        for (JsonNode s : selected) {
          boolean has = false;
          for (JsonNode p : s.path("spec").path("ports")) has |= p.path("name").asText().equals(port);
          if (!has) out.add(Manifests.kindAndName(sm) + ": selects " + Manifests.kindAndName(s) + ", which has no port " + port);
        }
      }
    }
  }

  private static void ingresses(Manifests m, List<String> out) {
    for (JsonNode ing : m.ofKind("Ingress")) {
      String at = Manifests.kindAndName(ing);
      List<String> tlsHosts = new ArrayList<>();
      ing.path("spec").path("tls").forEach(t -> t.path("hosts").forEach(h -> tlsHosts.add(h.asText())));
      for (JsonNode rule : ing.path("spec").path("rules")) {
        if (!tlsHosts.contains(rule.path("host").asText())) out.add(at + ": host " + rule.path("host").asText() + " has no TLS");
        for (JsonNode path : rule.path("http").path("paths")) {
          JsonNode backend = path.path("backend").path("service");
          String name = backend.path("name").asText();
          String port = backend.path("port").path("name").asText();
          boolean ok = m.find("Service", name).map(s -> {
            for (JsonNode p : s.path("spec").path("ports")) if (p.path("name").asText().equals(port)) return true;
            return false;
          }).orElse(false);
          if (!ok) out.add(at + ": " + path.path("path").asText() + " goes to Service " + name + " port " + port + ", which the overlay does not have");
        }
      }
    }
  }

  private static void volumes(Manifests m, List<String> out) {
    for (Manifests.Workload w : m.workloads()) {
      for (JsonNode v : w.podSpec().path("volumes")) {
        List<JsonNode> refs = new ArrayList<>();
        if (v.has("configMap")) refs.add(v.path("configMap"));
        v.path("projected").path("sources").forEach(s -> { if (s.has("configMap")) refs.add(s.path("configMap")); });
        for (JsonNode ref : refs) {
          if (!ref.path("optional").asBoolean() && m.configMapData(ref.path("name").asText()).isEmpty()) {
            out.add(w.label() + ": volume " + v.path("name").asText() + " mounts ConfigMap " + ref.path("name").asText() + ", which the overlay does not have");
          }
        }
        String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
        if (!claim.isEmpty() && m.find("PersistentVolumeClaim", claim).isEmpty()) {
          out.add(w.label() + ": volume " + v.path("name").asText() + " mounts PersistentVolumeClaim " + claim + ", which the overlay does not have");
        }
      }
    }
  }
}
