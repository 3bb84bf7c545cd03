package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a container is: its image, command, environment and ports, as the rendered manifests say. */
final class Containers {
  /** The production image (the launcher and the five services). */
  static final String IMAGE = "orderflow";
  /** The dev-only image: the full dev jar (psp-sim, SMTP sink), same launcher. */
  static final String DEVTOOLS_IMAGE = "orderflow-devtools";

  private Containers() {}

  /** The image's repository name without registry, tag or digest: {@code registry/x/orderflow:1.2} is {@code orderflow}. */
  static String imageName(JsonNode container) {
    String image = container.path("image").asText();
    int at = image.indexOf('@');
    if (at >= 0) image = image.substring(0, at);
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon > slash) image = image.substring(0, colon);
    return image.substring(slash + 1);
  }

  static String imageTag(JsonNode container) {
    String image = container.path("image").asText();
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "";
  }

  /** Runs the orderflow launcher (either image). */
  static boolean isOrderflow(JsonNode container) {
    String name = imageName(container);
    return name.equals(IMAGE) || name.equals(DEVTOOLS_IMAGE);
  }

  static List<String> args(JsonNode container) {
    List<String> out = new ArrayList<>();
    container.path("args").forEach(a -> out.add(a.asText()));
    return out;
  }

  /** The launcher command a container runs ({@code service}, {@code provision}, {@code psp-sim}, ...), or "". */
  static String command(JsonNode container) {
    List<String> args = args(container);
    return args.isEmpty() ? "" : args.get(0);
  }

  /**
   * Every variable the container gets, with its value where the manifests know it (literals, ConfigMap keys;
   * Secrets and field references are only named). Later entries win, as in Kubernetes: envFrom, then env.
   */
  static Map<String, EnvVar> environment(Manifests m, JsonNode container) {
    Map<String, EnvVar> out = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        String cm = from.path("configMapRef").path("name").asText();
        Map<String, String> data = m.configMapData(cm).orElse(Map.of());
        data.forEach((k, v) -> out.put(from.path("prefix").asText() + k, new EnvVar(k, Optional.of(v), "ConfigMap " + cm)));
      } else if (from.has("secretRef")) {
        String secret = from.path("secretRef").path("name").asText();
        out.put("*" + secret, new EnvVar("*", Optional.empty(), "Secret " + secret + " (every key)"));
      }
    }
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      JsonNode ref = e.path("valueFrom");
      if (e.has("value")) {
        out.put(name, new EnvVar(name, Optional.of(e.path("value").asText()), "value"));
      } else if (ref.has("configMapKeyRef")) {
        JsonNode r = ref.path("configMapKeyRef");
        Optional<String> v = m.configMapData(r.path("name").asText()).map(d -> d.get(r.path("key").asText()));
        out.put(name, new EnvVar(name, v, "ConfigMap " + r.path("name").asText() + " key " + r.path("key").asText()));
      } else if (ref.has("secretKeyRef")) {
        out.put(name, new EnvVar(name, Optional.empty(), "Secret " + ref.path("secretKeyRef").path("name").asText()));
      } else {
        out.put(name, new EnvVar(name, Optional.empty(), "field reference"));
      }
    }
    return out;
  }

  static Optional<String> value(Manifests m, JsonNode container, String name) {
    EnvVar v = environment(m, container).get(name);
    return v == null ? Optional.empty() : v.value();
  }

  /** A declared port by name or number, as probes and Services refer to them. */
  static Optional<Integer> resolvePort(JsonNode container, JsonNode port) {
    for (JsonNode p : container.path("ports")) {
      if (port.isInt() && p.path("containerPort").asInt() == port.asInt()) return Optional.of(port.asInt());
      if (port.isTextual() && port.asText().equals(p.path("name").asText())) return Optional.of(p.path("containerPort").asInt());
    }
    return Optional.empty();
  }

  /** One environment variable: its value if the manifests hold it, and where it comes from. */
  record EnvVar(String name, Optional<String> value, String source) {}
}
