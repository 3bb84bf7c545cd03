package io.orderflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** One rendered overlay: the objects {@code kubectl apply -k} would send, as JSON trees. */
final class Manifests {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final List<String> OVERLAYS = List.of("dev", "prod");
  private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  private final String source;
  private final List<ObjectNode> objects;

  private Manifests(String source, List<ObjectNode> objects) {
    this.source = source;
    this.objects = List.copyOf(objects);
  }

  /** k8s/overlays/NAME of this checkout, rendered once per test run. */
  static Manifests overlay(String name) {
    return RENDERED.computeIfAbsent(name, n -> render(ProjectRoot.get().resolve("k8s/overlays").resolve(n)));
  }

  static Manifests render(Path kustomization) {
    return parse(kustomization.toString(), Kustomize.find().render(kustomization));
  }

  static Manifests parse(String source, String yaml) {
    List<ObjectNode> out = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc instanceof ObjectNode o && !o.isEmpty()) out.add(o);
      }
    } catch (IOException e) {
      throw new AssertionError("the rendering of " + source + " is not YAML: " + e.getMessage(), e);
    }
    return new Manifests(source, out);
  }

  /** The same objects after {@code edit} changed (deep copies of) them: for tests that break one thing. */
  Manifests edited(java.util.function.Consumer<List<ObjectNode>> edit) {
    List<ObjectNode> copy = new ArrayList<>();
    objects.forEach(o -> copy.add(o.deepCopy()));
    edit.accept(copy);
    return new Manifests(source + " (edited)", copy);
  }

  String source() {
    return source;
  }

  List<ObjectNode> all() {
    return objects;
  }

  List<ObjectNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
  }

  ObjectNode get(String kind, String name) {
    return find(kind, name).orElseThrow(() -> new AssertionError(source + " has no " + kind + " " + name));
  }

  /** The overlay's namespace (its Namespace object). */
  String namespace() {
    List<ObjectNode> ns = ofKind("Namespace");
    if (ns.size() != 1) throw new AssertionError(source + " should create exactly one Namespace, has " + ns.size());
    return name(ns.get(0));
  }

  /** Every pod template: Deployments, StatefulSets, Jobs and CronJobs (the template of the Jobs it creates). */
  List<Workload> workloads() {
    List<Workload> out = new ArrayList<>();
    for (ObjectNode o : objects) {
      String kind = o.path("kind").asText();
      if (kind.equals("Deployment") || kind.equals("StatefulSet") || kind.equals("Job")) {
        out.add(new Workload(kind, name(o), o, (ObjectNode) o.path("spec").path("template")));
      } else if (kind.equals("CronJob")) {
        out.add(new Workload(kind, name(o), o, (ObjectNode) o.path("spec").path("jobTemplate").path("spec").path("template")));
      }
    }
    return out;
  }

  Optional<Workload> workload(String kind, String name) {
    return workloads().stream().filter(w -> w.kind().equals(kind) && w.name().equals(name)).findFirst();
  }

  /** A ConfigMap's data by its rendered name (generated names carry a hash suffix; references use it too). */
  Optional<Map<String, String>> configMapData(String renderedName) {
    return find("ConfigMap", renderedName).map(cm -> {
      Map<String, String> data = new LinkedHashMap<>();
      cm.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
      return data;
    });
  }

  /** A generated ConfigMap by the name its generator gave it, without the hash suffix. */
  Map<String, String> generatedConfigMap(String generatorName) {
    List<ObjectNode> matches = ofKind("ConfigMap").stream()
        .filter(cm -> name(cm).equals(generatorName) || name(cm).matches(java.util.regex.Pattern.quote(generatorName) + "-[a-z0-9]{10}"))
        .toList();
    if (matches.size() != 1) throw new AssertionError(source + " should have one ConfigMap generated as " + generatorName + ", has " + matches.size());
    return configMapData(name(matches.get(0))).orElseThrow();
  }

  static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  static String kindAndName(JsonNode o) {
    return o.path("kind").asText() + " " + name(o);
  }

  static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** A Deployment, StatefulSet, Job or CronJob with its pod template. */
  record Workload(String kind, String name, ObjectNode object, ObjectNode template) {
    /** Runs to completion (a Job, or the Jobs a CronJob creates): no probes, no selector, no disruption budget. */
    boolean runsToCompletion() {
      return kind.equals("Job") || kind.equals("CronJob");
    }

    /** The Job spec: the Job's own, or the CronJob's jobTemplate.spec; missing for the other kinds. */
    JsonNode jobSpec() {
      if (kind.equals("CronJob")) return object.path("spec").path("jobTemplate").path("spec");
      return kind.equals("Job") ? object.path("spec") : MissingNode.getInstance();
    }

    JsonNode podSpec() {
      return template.path("spec");
    }

    Map<String, String> podLabels() {
      return stringMap(template.path("metadata").path("labels"));
    }

    List<ObjectNode> containers() {
      List<ObjectNode> out = new ArrayList<>();
      podSpec().path("initContainers").forEach(c -> out.add((ObjectNode) c));
      podSpec().path("containers").forEach(c -> out.add((ObjectNode) c));
      return out;
    }

    String label() {
      return kind + " " + name;
    }
  }
}
