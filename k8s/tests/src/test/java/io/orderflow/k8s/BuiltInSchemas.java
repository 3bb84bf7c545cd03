package io.orderflow.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Built-in kinds against fabric8's Kubernetes model, strictly: every fabric8 class keeps unknown fields in an
 * "additionalProperties" map, so that catch-all is switched off here and an unknown field is reported with its path,
 * as the API server's strict field validation ({@code kubectl apply}'s default) would reject it. Wrong types fail too.
 */
final class BuiltInSchemas {
  /** The kinds the overlays may contain, by apiVersion and kind; anything else needs a vendored CRD. */
  static final Map<String, Class<? extends HasMetadata>> KINDS = Stream.of(
          Namespace.class, ConfigMap.class, Service.class, Deployment.class, StatefulSet.class, Job.class, CronJob.class,
          PersistentVolumeClaim.class, Ingress.class, NetworkPolicy.class, PodDisruptionBudget.class, HorizontalPodAutoscaler.class)
      .collect(Collectors.toUnmodifiableMap(c -> HasMetadata.getApiVersion(c) + "/" + HasMetadata.getKind(c), c -> c));

  private BuiltInSchemas() {}

  static String key(JsonNode o) {
    return o.path("apiVersion").asText() + "/" + o.path("kind").asText();
  }

  static boolean isBuiltIn(JsonNode o) {
    return KINDS.containsKey(key(o));
  }

  /** Violations of every built-in object in the rendering; objects of other kinds are left to {@link CustomResourceSchemas}. */
  static List<String> check(Manifests m) {
    List<String> out = new ArrayList<>();
    for (JsonNode o : m.all()) {
      Class<? extends HasMetadata> type = KINDS.get(key(o));
      if (type != null) out.addAll(violations(o, type, Manifests.kindAndName(o), ""));
    }
    return out;
  }

  /** ObjectMeta alone, strictly: custom resources' schemas leave metadata to the API server. */
  static List<String> checkMetadata(JsonNode o) {
    return violations(o.path("metadata"), ObjectMeta.class, Manifests.kindAndName(o), "/metadata");
  }

  /** Unknown fields the handler met in the current call; the mapper (costly to warm up) is shared. */
  private static final ThreadLocal<List<String>> UNKNOWN = ThreadLocal.withInitial(ArrayList::new);
  private static final ObjectMapper STRICT = strictMapper();

  private static List<String> violations(JsonNode value, Class<?> type, String what, String prefix) {
    List<String> unknown = UNKNOWN.get();
    unknown.clear();
    try {
      STRICT.treeToValue(value, type);
    } catch (JsonMappingException e) {
      return List.of(what + ": " + prefix + pointer(e) + ": " + e.getOriginalMessage());
    } catch (Exception e) {
      return List.of(what + ": " + e);
    }
    return unknown.stream().map(path -> what + ": " + prefix + path + ": unknown field").toList();
  }

  private static String pointer(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      b.append(r.getFieldName() != null ? "/" + r.getFieldName() : "/" + r.getIndex());
    }
    return b.toString();
  }

  private static ObjectMapper strictMapper() {
    SimpleModule strict = new SimpleModule("strict-kubernetes-model");
    strict.setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription desc, BeanDeserializerBuilder builder) {
        if (desc.getBeanClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) builder.setAnySetter(null);
        return builder;
      }
    });
    return new ObjectMapper()
        .registerModule(strict)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .addHandler(new DeserializationProblemHandler() {
          @Override
          public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
              Object beanOrClass, String propertyName) throws java.io.IOException {
            UNKNOWN.get().add(p.getParsingContext().pathAsPointer().toString());
            p.skipChildren();
            return true;
          }
        });
  }
}
