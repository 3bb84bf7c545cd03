package io.orderflow.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Custom resources (KEDA, Prometheus Operator) against the {@code openAPIV3Schema} of their vendored CRDs
 * (src/test/resources/crds/, each with a header naming its upstream release), with the API server's structural
 * semantics added to plain JSON Schema: an object schema with {@code properties} and neither
 * {@code additionalProperties} nor {@code x-kubernetes-preserve-unknown-fields} rejects unknown fields (strict field
 * validation, {@code kubectl apply}'s default), {@code x-kubernetes-int-or-string} admits both, {@code nullable} admits
 * null. Metadata is checked as ObjectMeta. CEL rules ({@code x-kubernetes-validations}) are not evaluated:
 * {@link #celRules()} counts them so that a CRD that gains some is noticed.
 */
final class CustomResourceSchemas {
  static final List<String> CRD_FILES = List.of(
      "keda.sh_scaledobjects.yaml",
      "monitoring.coreos.com_servicemonitors.yaml",
      "monitoring.coreos.com_prometheusrules.yaml");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Crd> CRDS = load();

  private CustomResourceSchemas() {}

  /** One served version of a CRD: its validator, the JSON Schema it runs and its CEL rule count. */
  record Crd(String file, String group, String kind, String version, Validator validator, ObjectNode schema, int celRules) {}

  static List<String> check(Manifests m) {
    List<String> out = new ArrayList<>();
    for (JsonNode o : m.all()) {
      if (BuiltInSchemas.isBuiltIn(o)) continue;
      Crd crd = CRDS.get(BuiltInSchemas.key(o));
      if (crd == null) {
        out.add(Manifests.kindAndName(o) + ": no schema for " + BuiltInSchemas.key(o) + " (neither built in nor a vendored CRD)");
        continue;
      }
      out.addAll(BuiltInSchemas.checkMetadata(o));
      OutputUnit result = crd.validator().validate(toVertx(o));
      if (!result.getValid()) {
        leafErrors(result.getErrors(), crd.schema()).forEach(e -> out.add(Manifests.kindAndName(o) + ": " + e + " (" + crd.file() + ")"));
      }
    }
    return out;
  }

  /** Which apiVersion/kind pairs have a vendored schema. */
  static java.util.Set<String> kinds() {
    return CRDS.keySet();
  }

  static Map<String, Integer> celRules() {
    Map<String, Integer> out = new HashMap<>();
    CRDS.forEach((k, crd) -> out.put(k, crd.celRules()));
    return out;
  }

  private static Map<String, Crd> load() {
    Map<String, Crd> out = new HashMap<>();
    for (String file : CRD_FILES) {
      try (InputStream in = CustomResourceSchemas.class.getResourceAsStream("/crds/" + file)) {
        if (in == null) throw new IllegalStateException("missing test resource crds/" + file);
        Manifests docs = Manifests.parse(file, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        for (JsonNode crd : docs.ofKind("CustomResourceDefinition")) {
          String group = crd.path("spec").path("group").asText();
          String kind = crd.path("spec").path("names").path("kind").asText();
          for (JsonNode v : crd.path("spec").path("versions")) {
            if (!v.path("served").asBoolean()) continue;
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            ObjectNode jsonSchema = structural(schema, true, "");
            Validator validator = Validator.create(JsonSchema.of(toVertx(jsonSchema)),
                new JsonSchemaOptions().setDraft(Draft.DRAFT4).setBaseUri("app:///").setOutputFormat(OutputFormat.Basic));
            String apiVersion = group + "/" + v.path("name").asText();
            out.put(apiVersion + "/" + kind, new Crd(file, group, kind, v.path("name").asText(), validator, jsonSchema, countCel(schema)));
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read crds/" + file + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(out);
  }

  /**
   * The JSON Schema (draft 4, whose keywords OpenAPI 3.0 schemas use) that enforces what the API server enforces.
   * {@code structural}: false inside anyOf/allOf/oneOf/not, which in a structural schema only add value checks.
   */
  static ObjectNode structural(JsonNode schema, boolean structural, String path) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      switch (key) {
        case "description", "nullable", "default", "example", "externalDocs" -> { }
        case "properties" -> {
          ObjectNode props = out.putObject("properties");
          value.properties().forEach(p -> props.set(p.getKey(), structural(p.getValue(), structural, path + "/" + p.getKey())));
        }
        case "items", "not" -> out.set(key, structural(value, key.equals("items") && structural, path + "/" + key));
        case "additionalProperties" -> out.set(key, value.isObject() ? structural(value, structural, path + "/*") : value);
        case "anyOf", "allOf", "oneOf" -> {
          ArrayNode list = out.putArray(key);
          value.forEach(sub -> list.add(structural(sub, false, path)));
        }
        default -> {
          if (!key.startsWith("x-kubernetes-")) out.set(key, value);
        }
      }
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      out.remove("type");
      if (!out.has("anyOf")) {
        ArrayNode any = out.putArray("anyOf");
        any.addObject().put("type", "integer");
        any.addObject().put("type", "string");
      }
    }
    if (schema.path("nullable").asBoolean() && out.has("type")) {
      ArrayNode types = JsonNodeFactory.instance.arrayNode().add(out.get("type").asText()).add("null");
      out.set("type", types);
    }
    boolean object = "object".equals(schema.path("type").asText()) || schema.has("properties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    // metadata is ObjectMeta, checked on its own (BuiltInSchemas.checkMetadata).
    if (structural && object && !preserve && !schema.has("additionalProperties") && !path.equals("/metadata")) {
      out.put("additionalProperties", false);
    }
    return out;
  }

  /**
   * The causes among the validator's errors, which also report every enclosing property and array as failing:
   * errors at the deepest instance locations, without the "does not match schema" echoes, and an
   * additionalProperties error only for a property its object does not declare (an unknown field).
   */
  static List<String> leafErrors(List<OutputUnit> errors, ObjectNode schema) {
    List<String> locations = errors.stream().map(OutputUnit::getInstanceLocation).toList();
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (OutputUnit e : errors) {
      String at = e.getInstanceLocation();
      if (locations.stream().anyMatch(l -> l.startsWith(at + "/"))) continue;
      String keyword = e.getKeywordLocation();
      if (keyword.endsWith("/properties") || keyword.endsWith("/items")) continue;
      if (keyword.endsWith("/additionalProperties")) {
        String field = at.substring(at.lastIndexOf('/') + 1);
        String parent = keyword.substring(1, keyword.length() - "/additionalProperties".length());
        // Only "additionalProperties: false" rejects a field; a map's value schema reports its own errors.
        if (schema.at(parent + "/properties").has(field) || !schema.at(parent + "/additionalProperties").isBoolean()) continue;
        out.add(at.substring(1) + ": unknown field");
        continue;
      }
      out.add(at.substring(1) + ": " + e.getError());
    }
    return List.copyOf(out);
  }

  private static int countCel(JsonNode schema) {
    int n = schema.path("x-kubernetes-validations").size();
    for (JsonNode child : schema) {
      if (child.isContainerNode()) n += countCel(child);
    }
    return n;
  }

  private static JsonObject toVertx(JsonNode node) {
    try {
      return new JsonObject(JSON.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
