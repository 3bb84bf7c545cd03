package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.k8s.NetworkFlows.Endpoint;
import io.orderflow.k8s.NetworkFlows.Port;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Default deny, and exactly these flows: DNS; the API from the ingress controller; every service, the provision Job and
 * the backup CronJob to the NATS client port; NATS to NATS (cluster routes); KEDA and Prometheus to NATS monitoring; Prometheus to the
 * management ports; payments to the gateway; notifications to the mail server; the services to the OpenTelemetry
 * Collector (and the collector on to the tracing backend). Anything more or less fails.
 */
class NetworkPolicyTest {
  static final List<String> SERVICES = List.of("audit", "inventory", "notifications", "orders", "payments");

  /**
   * The world around the namespace, as the manifests' placeholders describe it (k8s/README.md): the ingress
   * controller's, Prometheus', KEDA's and the tracing backend's namespaces, the cluster DNS, the prod gateway and mail
   * server address ranges, plus a pod of another namespace and an outside address that must reach nothing.
   */
  static List<Endpoint> world() {
    return List.of(
        Endpoint.pod("ingress-controller", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"), List.of(Port.tcp(443))),
        Endpoint.pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"), List.of(Port.tcp(9090))),
        Endpoint.pod("grafana", "monitoring", Map.of("app.kubernetes.io/name", "grafana"), List.of(Port.tcp(3000))),
        Endpoint.pod("keda", "keda", Map.of("app.kubernetes.io/name", "keda-operator"), List.of(Port.tcp(9666))),
        Endpoint.pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"), List.of(Port.udp(53), Port.tcp(53))),
        Endpoint.pod("tracing-backend", "observability", Map.of("app.kubernetes.io/name", "tempo"), List.of(Port.tcp(4317))),
        Endpoint.pod("other-namespace", "other", Map.of("app.kubernetes.io/component", "service"), List.of(Port.tcp(8080))),
        Endpoint.address("payment-gateway", "203.0.113.10", List.of(Port.tcp(443))),
        Endpoint.address("mail-server", "198.51.100.25", List.of(Port.tcp(587))),
        Endpoint.address("internet", "192.0.2.1", List.of(Port.tcp(443), Port.tcp(587))));
  }

  /** A pod someone starts in the namespace (a debug shell): it may resolve names and nothing else. */
  static Endpoint stranger(Manifests m) {
    return Endpoint.pod("stranger", m.namespace(), Map.of("run", "debug"), List.of(Port.tcp(8080)));
  }

  static Set<String> expectedCommon(Manifests m) {
    Set<String> flows = new TreeSet<>();
    List<String> pods = new ArrayList<>(NetworkFlows.pods(m).stream().map(Endpoint::name).toList());
    pods.add("stranger");
    for (String pod : pods) {
      flows.add(pod + " -> kube-dns:53/UDP");
      flows.add(pod + " -> kube-dns:53/TCP");
    }
    for (String api : List.of("orders", "inventory", "audit")) flows.add("ingress-controller -> " + api + ":8080/TCP");
    for (String client : SERVICES) flows.add(client + " -> nats:4222/TCP");
    flows.add("provision -> nats:4222/TCP");
    // The scheduled backup (and a restore started from its template) takes snapshots over the client port.
    flows.add("backup -> nats:4222/TCP");
    flows.add("nats -> nats:6222/TCP");
    flows.add("keda -> nats:8222/TCP");
    flows.add("prometheus -> nats:8222/TCP");
    for (String service : SERVICES) flows.add("prometheus -> " + service + ":9080/TCP");
    for (String service : SERVICES) flows.add(service + " -> otel-collector:4318/TCP");
    // Not in the list but needed: the collector forwards to the tracing backend.
    flows.add("otel-collector -> tracing-backend:4317/TCP");
    return flows;
  }

  static Set<String> allowed(Manifests m) {
    List<Endpoint> endpoints = new ArrayList<>(NetworkFlows.pods(m));
    endpoints.add(stranger(m));
    endpoints.addAll(world());
    return NetworkFlows.allowed(m, endpoints);
  }

  @Test
  void devAllowsExactlyTheListedFlows() {
    Manifests dev = Manifests.overlay("dev");
    Set<String> expected = expectedCommon(dev);
    expected.add("payments -> psp-sim:8090/TCP");
    expected.add("notifications -> smtp-sink:2525/TCP");
    assertThat(allowed(dev)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void prodAllowsExactlyTheListedFlows() {
    Manifests prod = Manifests.overlay("prod");
    Set<String> expected = expectedCommon(prod);
    expected.add("payments -> payment-gateway:443/TCP");
    expected.add("notifications -> mail-server:587/TCP");
    assertThat(allowed(prod)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyPodIsDeniedByDefaultInBothDirections() {
    for (String overlay : Manifests.OVERLAYS) {
      assertThat(Manifests.overlay(overlay).ofKind("NetworkPolicy")).as(overlay).anySatisfy(p -> {
        assertThat(p.at("/spec/podSelector").isEmpty()).isTrue();
        assertThat(p.at("/spec/policyTypes").toString()).contains("Ingress", "Egress");
        assertThat(p.at("/spec/ingress").isMissingNode() && p.at("/spec/egress").isMissingNode()).isTrue();
      });
    }
  }

  @Test
  void anEgressRuleThatOpensTooMuchFails() {
    // The gateway's address range replaced by "anywhere": payments may now send to any outside host.
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((ObjectNode) CustomResourceSchemaTest
        .find(objects, "NetworkPolicy payments-to-gateway").at("/spec/egress/0/to/0/ipBlock")).put("cidr", "0.0.0.0/0"));
    assertThat(allowed(broken)).contains("payments -> internet:443/TCP");
    assertThat(allowed(broken)).isNotEqualTo(allowed(Manifests.overlay("prod")));
  }

  @Test
  void anIngressRuleThatOpensTooMuchFails() {
    // The public port of payments (it serves nothing there) opened to the ingress controller as well.
    Manifests broken = Manifests.overlay("dev").edited(objects -> ((com.fasterxml.jackson.databind.node.ArrayNode) CustomResourceSchemaTest
        .find(objects, "NetworkPolicy api-from-ingress-controller").at("/spec/podSelector/matchExpressions/1/values")).add("payments"));
    assertThat(allowed(broken)).contains("ingress-controller -> payments:8080/TCP");
  }

  @Test
  void bothEndsMustAllowAFlow() {
    // NATS accepting any pod on any port is not enough: the senders' egress still allows only the client port.
    Manifests wide = Manifests.overlay("prod").edited(objects -> {
      ObjectNode rule = (ObjectNode) CustomResourceSchemaTest.find(objects, "NetworkPolicy nats-clients-ingress").at("/spec/ingress/0");
      rule.remove("ports");
      ((ObjectNode) rule.at("/from/0")).putObject("podSelector");
    });
    assertThat(allowed(wide)).isEqualTo(allowed(Manifests.overlay("prod")));
  }

  @Test
  void aMissingFlowFails() {
    Manifests broken = Manifests.overlay("dev").edited(objects -> objects.removeIf(o -> Manifests.kindAndName(o).equals("NetworkPolicy nats-cluster")));
    assertThat(allowed(broken)).doesNotContain("nats -> nats:6222/TCP");
  }

  @Test
  void theBackupReachesNatsOnlyWhereBothEndsAllowIt() {
    // Dropped from the NATS side only: the backup's egress alone does not open the client port.
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((com.fasterxml.jackson.databind.node.ArrayNode) CustomResourceSchemaTest
        .find(objects, "NetworkPolicy nats-clients-ingress").at("/spec/ingress/0/from/0/podSelector/matchExpressions/0/values")).remove(2));
    Set<String> flows = allowed(broken);
    assertThat(flows).doesNotContain("backup -> nats:4222/TCP").contains("provision -> nats:4222/TCP");
    assertThat(allowed(Manifests.overlay("prod"))).filteredOn(f -> f.startsWith("backup -> "))
        .containsExactlyInAnyOrder("backup -> nats:4222/TCP", "backup -> kube-dns:53/UDP", "backup -> kube-dns:53/TCP");
  }

  @Test
  void namedPortsAddressBlocksAndNamespacesAreEvaluated() {
    assertThat(NetworkFlows.inCidr("203.0.113.10", "203.0.113.0/24")).isTrue();
    assertThat(NetworkFlows.inCidr("203.0.114.10", "203.0.113.0/24")).isFalse();
    assertThat(NetworkFlows.inCidr("10.1.2.3", "0.0.0.0/0")).isTrue();
    // The same rule by container port name instead of number admits the same flow.
    Manifests named = Manifests.overlay("dev").edited(objects -> ((ObjectNode) CustomResourceSchemaTest
        .find(objects, "NetworkPolicy nats-clients-ingress").at("/spec/ingress/0/ports/0")).put("port", "client"));
    assertThat(allowed(named)).isEqualTo(allowed(Manifests.overlay("dev")));
  }
}
