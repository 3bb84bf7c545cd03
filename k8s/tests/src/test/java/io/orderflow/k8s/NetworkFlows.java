package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which connections the rendered NetworkPolicies let through, evaluated as Kubernetes does: a pod selected by a policy
 * of a direction accepts, in that direction, only what one of those policies' rules allows (peers by pod selector in
 * the policy's namespace, namespace selector, or address block; ports by number, range or container port name); a
 * connection between two pods of the namespace needs the sender's egress and the receiver's ingress. Pods elsewhere and
 * outside addresses are endpoints whose own side no policy here governs.
 */
final class NetworkFlows {
  private NetworkFlows() {}

  /** A pod (labels, namespace labels) or an outside address, with the ports it listens on. */
  record Endpoint(String name, String namespace, Map<String, String> namespaceLabels, Map<String, String> podLabels, String ip, List<Port> ports) {
    static Endpoint pod(String name, String namespace, Map<String, String> podLabels, List<Port> ports) {
      return new Endpoint(name, namespace, Map.of("kubernetes.io/metadata.name", namespace), podLabels, null, ports);
    }

    static Endpoint address(String name, String ip, List<Port> ports) {
      return new Endpoint(name, null, Map.of(), Map.of(), ip, ports);
    }
  }

  record Port(int number, String name, String protocol) {
    static Port tcp(int number) {
      return new Port(number, "", "TCP");
    }

    static Port udp(int number) {
      return new Port(number, "", "UDP");
    }
  }

  /** The overlay's own pods: one endpoint per workload, listening on its containers' ports. */
  static List<Endpoint> pods(Manifests m) {
    String ns = m.namespace();
    Map<String, String> nsLabels = new java.util.HashMap<>(Manifests.stringMap(m.get("Namespace", ns).path("metadata").path("labels")));
    nsLabels.put("kubernetes.io/metadata.name", ns);
    List<Endpoint> out = new ArrayList<>();
    for (Manifests.Workload w : m.workloads()) {
      List<Port> ports = new ArrayList<>();
      for (JsonNode c : w.containers()) {
        for (JsonNode p : c.path("ports")) ports.add(new Port(p.path("containerPort").asInt(), p.path("name").asText(), p.path("protocol").asText("TCP")));
      }
      String name = w.podLabels().getOrDefault("app.kubernetes.io/name", w.name());
      out.add(new Endpoint(name, ns, Map.copyOf(nsLabels), w.podLabels(), null, ports));
    }
    return out;
  }

  /** Every allowed connection among the endpoints, as "from -> to:port/protocol". */
  static Set<String> allowed(Manifests m, List<Endpoint> endpoints) {
    String ns = m.namespace();
    List<? extends JsonNode> policies = m.ofKind("NetworkPolicy");
    Set<String> out = new TreeSet<>();
    for (Endpoint from : endpoints) {
      for (Endpoint to : endpoints) {
        boolean fromHere = ns.equals(from.namespace());
        boolean toHere = ns.equals(to.namespace());
        if (!fromHere && !toHere) continue;
        for (Port port : to.ports()) {
          boolean egress = !fromHere || admits(policies, ns, "Egress", from, to, port);
          boolean ingress = !toHere || admits(policies, ns, "Ingress", to, from, port);
          if (egress && ingress) out.add(from.name() + " -> " + to.name() + ":" + port.number() + "/" + port.protocol());
        }
      }
    }
    return out;
  }

  /**
   * Whether the policies selecting {@code subject} in {@code direction} admit {@code peer} on {@code port} (a port of
   * the receiving end, so named ports resolve against it). No policy selecting it: everything is admitted.
   */
  private static boolean admits(List<? extends JsonNode> policies, String ns, String direction, Endpoint subject, Endpoint peer, Port port) {
    boolean isolated = false;
    for (JsonNode policy : policies) {
      JsonNode spec = policy.path("spec");
      if (!WiringPolicy.selects(spec.path("podSelector"), subject.podLabels()) || !types(spec).contains(direction)) continue;
      isolated = true;
      String rulesField = direction.equals("Ingress") ? "ingress" : "egress";
      String peersField = direction.equals("Ingress") ? "from" : "to";
      for (JsonNode rule : spec.path(rulesField)) {
        if (peers(rule.path(peersField), ns, peer) && ports(rule.path("ports"), port)) return true;
      }
    }
    return !isolated;
  }

  private static Set<String> types(JsonNode spec) {
    Set<String> out = new TreeSet<>();
    if (spec.has("policyTypes")) {
      spec.path("policyTypes").forEach(t -> out.add(t.asText()));
    } else {
      out.add("Ingress");
      if (spec.has("egress")) out.add("Egress");
    }
    return out;
  }

  private static boolean peers(JsonNode peers, String ns, Endpoint peer) {
    if (peers.isMissingNode() || peers.isEmpty()) return true;
    for (JsonNode p : peers) {
      if (p.has("ipBlock")) {
        if (peer.ip() != null && inBlock(peer.ip(), p.path("ipBlock"))) return true;
        continue;
      }
      if (peer.ip() != null) continue;
      boolean namespaceOk = p.has("namespaceSelector")
          ? WiringPolicy.selects(p.path("namespaceSelector"), peer.namespaceLabels())
          : ns.equals(peer.namespace());
      boolean podOk = !p.has("podSelector") || WiringPolicy.selects(p.path("podSelector"), peer.podLabels());
      if (namespaceOk && podOk) return true;
    }
    return false;
  }

  private static boolean ports(JsonNode ports, Port port) {
    if (ports.isMissingNode() || ports.isEmpty()) return true;
    for (JsonNode p : ports) {
      if (!p.path("protocol").asText("TCP").equals(port.protocol())) continue;
      JsonNode n = p.path("port");
      if (n.isMissingNode()) return true;
      if (n.isTextual() && !n.asText().matches("\\d+")) {
        if (n.asText().equals(port.name())) return true;
        continue;
      }
      int first = n.asInt();
      int last = p.path("endPort").asInt(first);
      if (port.number() >= first && port.number() <= last) return true;
    }
    return false;
  }

  private static boolean inBlock(String ip, JsonNode block) {
    if (!inCidr(ip, block.path("cidr").asText())) return false;
    for (JsonNode except : block.path("except")) if (inCidr(ip, except.asText())) return false;
    return true;
  }

  static boolean inCidr(String ip, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    return (ipv4(ip) & mask) == (ipv4(parts[0]) & mask);
  }

  private static long ipv4(String ip) {
    long v = 0;
    for (String octet : ip.split("\\.")) v = (v << 8) | Integer.parseInt(octet);
    return v;
  }
}
