package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What may scale, and on what. Only consumers whose work spreads across instances (a shared durable consumer) scale
 * on backlog; the single writers (inventory's ledger, audit's chain: pinned consumers, one active instance) never
 * scale; the order API scales on CPU. A consumer that a circuit breaker pauses must not scale out because of the
 * backlog the pause builds up: each of its triggers is gated on the breaker being closed.
 */
final class ScalingPolicy {
  static final Set<String> SHARED_CONSUMERS = Set.of("payments", "notifications");
  static final Set<String> SINGLE_WRITERS = Set.of("inventory", "audit");
  /** Deployments whose consumer a breaker pauses, with the gauge that says the breaker is closed. */
  static final Map<String, String> PAUSED_BY_BREAKER = Map.of("payments", "circuit_breaker_state");

  private ScalingPolicy() {}

  static List<String> check(Manifests m) {
    List<String> out = new ArrayList<>();
    Map<String, String> scaledBy = new HashMap<>();
    for (JsonNode hpa : m.ofKind("HorizontalPodAutoscaler")) {
      target(m, hpa, hpa.path("spec").path("scaleTargetRef"), scaledBy, out);
    }
    for (JsonNode so : m.ofKind("ScaledObject")) {
      String name = target(m, so, so.path("spec").path("scaleTargetRef"), scaledBy, out);
      if (!SHARED_CONSUMERS.contains(name)) {
        out.add(Manifests.kindAndName(so) + ": scales " + name + " on backlog, but only " + new java.util.TreeSet<>(SHARED_CONSUMERS)
            + " share their consumers across instances");
      }
      String gauge = PAUSED_BY_BREAKER.get(name);
      if (gauge != null) breakerGated(so, gauge, out);
      sameNamespace(m, so, out);
    }
    for (Manifests.Workload w : m.workloads()) {
      if (!w.kind().equals("Deployment")) continue;
      boolean fixed = w.object().path("spec").has("replicas");
      if (scaledBy.containsKey(w.name()) && fixed) {
        out.add(w.label() + ": sets spec.replicas although " + scaledBy.get(w.name()) + " scales it (every apply would reset the count)");
      }
      if (SINGLE_WRITERS.contains(w.name()) && !fixed) out.add(w.label() + ": a single writer without a fixed replica count");
    }
    return out;
  }

  private static String target(Manifests m, JsonNode scaler, JsonNode ref, Map<String, String> scaledBy, List<String> out) {
    String at = Manifests.kindAndName(scaler);
    String kind = ref.path("kind").asText("Deployment");
    String name = ref.path("name").asText();
    if (!kind.equals("Deployment") || m.workload("Deployment", name).isEmpty()) out.add(at + ": targets " + kind + " " + name + ", which the overlay does not have");
    if (SINGLE_WRITERS.contains(name)) out.add(at + ": scales " + name + ", a single writer (one active instance: more replicas add no throughput)");
    String previous = scaledBy.put(name, at);
    if (previous != null) out.add(at + ": scales " + name + ", which " + previous + " scales already");
    return name;
  }

  private static final java.util.regex.Pattern SERVICE_HOST = java.util.regex.Pattern.compile("\\b([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\b");
  private static final java.util.regex.Pattern NAMESPACE_LABEL = java.util.regex.Pattern.compile("namespace=\"([^\"]*)\"");

  /**
   * Trigger metadata is not rewritten by Kustomize's namespace transformer: a Service of this overlay named there
   * ({@code svc.NAMESPACE.svc}) and a {@code namespace="..."} in a query must name the overlay's namespace.
   */
  private static void sameNamespace(Manifests m, JsonNode so, List<String> out) {
    String ns = m.namespace();
    for (JsonNode trigger : so.path("spec").path("triggers")) {
      for (var e : trigger.path("metadata").properties()) {
        var host = SERVICE_HOST.matcher(e.getValue().asText());
        while (host.find()) {
          if (m.find("Service", host.group(1)).isPresent() && !host.group(2).equals(ns)) {
            out.add(Manifests.kindAndName(so) + ": " + e.getKey() + " names Service " + host.group(1) + " in namespace " + host.group(2) + ", not " + ns);
          }
        }
        var label = NAMESPACE_LABEL.matcher(e.getValue().asText());
        while (label.find()) {
          if (!label.group(1).equals(ns)) out.add(Manifests.kindAndName(so) + ": " + e.getKey() + " selects namespace=\"" + label.group(1) + "\", not " + ns);
        }
      }
    }
  }

  /** Every trigger must read zero while the breaker is open anywhere: a Prometheus query joined with the closed state. */
  private static void breakerGated(JsonNode so, String gauge, List<String> out) {
    for (JsonNode trigger : so.path("spec").path("triggers")) {
      String query = trigger.path("metadata").path("query").asText("");
      boolean gated = trigger.path("type").asText().equals("prometheus") && query.contains(gauge) && query.contains("state=\"closed\"")
          && trigger.path("metadata").path("ignoreNullValues").asText().equals("true");
      if (!gated) {
        out.add(Manifests.kindAndName(so) + ": trigger " + trigger.path("type").asText() + " is not gated on " + gauge
            + "{state=\"closed\"} (a paused consumer's backlog would scale it out)");
      }
    }
  }
}
