package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every variable a manifest gives an orderflow container is one the launcher reads, and every ConfigMap key it refers
 * to exists. A misspelt setting would otherwise be ignored without a word, and the default used. Each container gets
 * exactly the NATS passwords of the identities its command connects as: a leaked pod leaks no one else's rights.
 */
final class EnvironmentPolicy {
  /** The Secrets the manifests refer to; k8s/README.md says how to create each (they are never stored here). */
  static final Set<String> DOCUMENTED_SECRETS = Set.of("orderflow-nats", "orderflow-jwt", "orderflow-api-tls", "orderflow-psp-sim");

  private static final java.util.regex.Pattern PASSWORD = java.util.regex.Pattern.compile("ORDERFLOW_NATS_([A-Z0-9_]+)_PASSWORD");

  private EnvironmentPolicy() {}

  /**
   * The NATS identities (config/nats/identities.conf) a launcher command connects as: a service its own (orders also
   * ops: the dead-letter admin API and contact erasure), provision the provisioner, backup and restore the backup
   * identity; the dev tools none.
   */
  static Set<String> identities(List<String> args) {
    String command = args.isEmpty() ? "" : args.get(0);
    return switch (command) {
      case "service" -> args.size() < 2 ? Set.of() : args.get(1).equals("orders") ? Set.of("ORDERS", "OPS") : Set.of(args.get(1).toUpperCase(java.util.Locale.ROOT));
      case "provision" -> Set.of("PROVISIONER");
      case "backup" -> Set.of("BACKUP");
      // An operator's one-off Job; the scheduled backup never holds this password.
      case "restore" -> Set.of("RESTORE");
      default -> Set.of();
    };
  }

  static List<String> check(Manifests m, LauncherSettings settings) {
    List<String> out = new ArrayList<>();
    for (Manifests.Workload w : m.workloads()) {
      for (JsonNode c : w.containers()) {
        String at = w.label() + " container " + c.path("name").asText();
        if (Containers.isOrderflow(c)) {
          Containers.environment(m, c).values().forEach(v -> {
            if (v.name().equals("*")) out.add(at + ": takes every key of " + v.source() + " as variables, which cannot be checked");
            else if (!settings.knows(v.name())) out.add(at + ": sets " + v.name() + " (" + v.source() + "), which the launcher does not read");
          });
          passwords(m, c, at, out);
        }
        references(m, c, at, out);
      }
    }
    return out;
  }

  /** The variables the manifests set on orderflow containers: for the check that the launcher really reads them. */
  static Set<String> variablesSet(Manifests m) {
    Set<String> out = new TreeSet<>();
    for (Manifests.Workload w : m.workloads()) {
      for (JsonNode c : w.containers()) {
        if (Containers.isOrderflow(c)) out.addAll(Containers.environment(m, c).keySet());
      }
    }
    return out;
  }

  private static void passwords(Manifests m, JsonNode c, String at, List<String> out) {
    Set<String> expected = identities(Containers.args(c));
    Set<String> given = new TreeSet<>();
    for (String variable : Containers.environment(m, c).keySet()) {
      var p = PASSWORD.matcher(variable);
      if (p.matches()) given.add(p.group(1));
    }
    String command = String.join(" ", Containers.args(c));
    for (String identity : given) {
      if (!expected.contains(identity)) out.add(at + ": gets the password of NATS identity " + identity.toLowerCase(java.util.Locale.ROOT) + ", which `" + command + "` does not connect as");
    }
    for (String identity : new TreeSet<>(expected)) {
      if (!given.contains(identity)) out.add(at + ": `" + command + "` connects as " + identity.toLowerCase(java.util.Locale.ROOT) + " but gets no ORDERFLOW_NATS_" + identity + "_PASSWORD");
    }
  }

  private static void references(Manifests m, JsonNode c, String at, List<String> out) {
    for (JsonNode e : c.path("env")) {
      JsonNode cm = e.path("valueFrom").path("configMapKeyRef");
      if (!cm.isMissingNode() && !cm.path("optional").asBoolean()) {
        String name = cm.path("name").asText();
        String key = cm.path("key").asText();
        if (m.configMapData(name).map(d -> !d.containsKey(key)).orElse(true)) {
          out.add(at + ": " + e.path("name").asText() + " refers to ConfigMap " + name + " key " + key + ", which the overlay does not have");
        }
      }
      JsonNode secret = e.path("valueFrom").path("secretKeyRef");
      if (!secret.isMissingNode() && !DOCUMENTED_SECRETS.contains(secret.path("name").asText())) {
        out.add(at + ": " + e.path("name").asText() + " refers to Secret " + secret.path("name").asText() + ", which k8s/README.md does not document");
      }
    }
    for (JsonNode from : c.path("envFrom")) {
      String cm = from.path("configMapRef").path("name").asText("");
      if (!cm.isEmpty() && m.configMapData(cm).isEmpty()) out.add(at + ": envFrom ConfigMap " + cm + ", which the overlay does not have");
      String secret = from.path("secretRef").path("name").asText("");
      if (!secret.isEmpty() && !DOCUMENTED_SECRETS.contains(secret)) out.add(at + ": envFrom Secret " + secret + ", which k8s/README.md does not document");
    }
  }
}
