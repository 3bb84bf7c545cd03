package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What prod adds to the shared policies: a three-node NATS cluster (one node per machine, persistent volumes, a route
 * to every node), streams and buckets with three replicas, at least two instances of every service, scheduled backups,
 * no dev tools.
 */
final class ProdPolicy {
  static final int NATS_NODES = 3;
  static final String STREAM_REPLICAS = "3";
  static final String BACKUP_CRONJOB = "orderflow-backup";

  private ProdPolicy() {}

  static List<String> check(Manifests m) {
    List<String> out = new ArrayList<>();
    nats(m, out);
    m.workload("Job", "orderflow-provision").ifPresentOrElse(job -> {
      String replicas = Containers.value(m, job.containers().get(0), "ORDERFLOW_NATS_REPLICAS").orElse("1 (the default)");
      if (!replicas.equals(STREAM_REPLICAS)) out.add(job.label() + ": ORDERFLOW_NATS_REPLICAS is " + replicas + ", expected " + STREAM_REPLICAS);
    }, () -> out.add("no Job orderflow-provision"));
    m.workload("CronJob", BACKUP_CRONJOB).ifPresentOrElse(backup -> {
      if (backup.object().at("/spec/suspend").asBoolean(false)) out.add(backup.label() + ": suspended (prod takes scheduled backups)");
      boolean backsUp = backup.containers().stream().anyMatch(c -> Containers.command(c).equals("backup"));
      if (!backsUp) out.add(backup.label() + ": runs no backup command");
    }, () -> out.add("no CronJob " + BACKUP_CRONJOB + " (prod takes scheduled backups)"));
    for (String service : PodPolicy.SERVICES) {
      int instances = Math.max(m.find("Deployment", service).map(d -> d.at("/spec/replicas").asInt(0)).orElse(0), autoscalerMinimum(m, service));
      if (instances < 2) out.add("Deployment " + service + ": " + instances + " instance(s), expected at least 2");
    }
    for (Manifests.Workload w : m.workloads()) {
      for (JsonNode c : w.containers()) {
        if (Containers.imageName(c).equals(Containers.DEVTOOLS_IMAGE)) out.add(w.label() + ": runs the dev-only image " + Containers.DEVTOOLS_IMAGE);
      }
    }
    return out;
  }

  private static void nats(Manifests m, List<String> out) {
    Manifests.Workload nats = m.workload("StatefulSet", "nats").orElse(null);
    if (nats == null) {
      out.add("no StatefulSet nats");
      return;
    }
    int replicas = nats.object().at("/spec/replicas").asInt(1);
    if (replicas != NATS_NODES) out.add(nats.label() + ": " + replicas + " replicas, expected " + NATS_NODES);
    String antiAffinity = nats.podSpec().at("/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0/topologyKey").asText();
    if (!antiAffinity.equals("kubernetes.io/hostname")) out.add(nats.label() + ": nodes may share a machine (no required hostname anti-affinity)");
    if (nats.object().at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText().isEmpty()) {
      out.add(nats.label() + ": no persistent volume claim");
    }
    String conf = m.generatedConfigMap("nats-config").get("nats.conf");
    Set<String> routes = new TreeSet<>();
    Matcher r = Pattern.compile("nats://([a-z0-9.-]+):6222").matcher(conf);
    while (r.find()) routes.add(r.group(1));
    Set<String> expected = new TreeSet<>();
    String headless = nats.object().at("/spec/serviceName").asText();
    for (int i = 0; i < replicas; i++) expected.add("nats-" + i + "." + headless);
    if (!routes.equals(expected)) out.add(nats.label() + ": cluster routes " + routes + ", expected one per node " + expected);
  }

  private static int autoscalerMinimum(Manifests m, String deployment) {
    return Stream.concat(m.ofKind("HorizontalPodAutoscaler").stream(), m.ofKind("ScaledObject").stream())
        .filter(s -> s.at("/spec/scaleTargetRef/name").asText().equals(deployment))
        .mapToInt(s -> s.at("/spec/minReplicas").asInt(s.at("/spec/minReplicaCount").asInt(0))).max().orElse(0);
  }
}
