package io.orderflow.runtime.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.orderflow.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One service's tracer. The trace context travels explicitly as a W3C {@code traceparent} string (in HTTP
 * headers, NATS headers and the CloudEvents attribute), and every span is started with the parent it names:
 * nothing depends on a thread-local "current span", which Vert.x contexts and jnats threads would lose.
 *
 * <p>Configured by the standard {@code OTEL_*} variables (read through {@link Settings}, so tests can set
 * them too). Spans are always made, so logs carry trace ids, but exported only when an OTLP endpoint is set
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}; protocol http/protobuf
 * unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says otherwise). OpenTelemetry's metrics and logs exporters are
 * off: metrics are scraped from {@code /metrics}, logs go to stdout.
 */
public final class Tracing {
  public static final String TRACEPARENT = "traceparent";
  static final AttributeKey<String> SERVICE_INSTANCE = AttributeKey.stringKey("service.instance.id");
  private static final TextMapGetter<String> TRACEPARENT_ONLY = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of(TRACEPARENT);
    }

    @Override
    public String get(String carrier, String key) {
      return TRACEPARENT.equals(key) ? carrier : null;
    }
  };

  private final Tracer tracer;
  private final SdkTracerProvider provider;

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get("io.orderflow");
  }

  static Tracing create(Settings settings, String service, String instanceId) {
    Map<String, String> fromSettings = otelProperties(settings.withPrefix("OTEL_"));
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", service,
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .addPropertiesCustomizer(config -> {
          Map<String, String> merged = new HashMap<>(fromSettings);
          boolean endpoint = set(fromSettings, config, "otel.exporter.otlp.endpoint") || set(fromSettings, config, "otel.exporter.otlp.traces.endpoint");
          if (!set(fromSettings, config, "otel.traces.exporter")) merged.put("otel.traces.exporter", endpoint ? "otlp" : "none");
          return merged;
        })
        .addResourceCustomizer((resource, config) -> resource.merge(Resource.create(Attributes.of(SERVICE_INSTANCE, instanceId))))
        .disableShutdownHook() // the process flushes after its services stopped (Telemetry#flush)
        .build()
        .getOpenTelemetrySdk();
    return new Tracing(sdk.getSdkTracerProvider());
  }

  /** Spans with ids but no export: for services started on their own in tests. */
  public static Tracing local(String service) {
    return new Tracing(SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
        .build());
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} -> {@code otel.exporter.otlp.endpoint}, as the SDK names its properties. */
  static Map<String, String> otelProperties(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    env.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v));
    return out;
  }

  private static boolean set(Map<String, String> fromSettings, io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties config, String key) {
    String v = fromSettings.containsKey(key) ? fromSettings.get(key) : config.getString(key);
    return v != null && !v.isBlank();
  }

  public Span startServer(String name, String parentTraceparent) {
    return start(name, SpanKind.SERVER, parentTraceparent);
  }

  public Span startConsumer(String name, String parentTraceparent) {
    return start(name, SpanKind.CONSUMER, parentTraceparent);
  }

  public Span startProducer(String name, String parentTraceparent) {
    return start(name, SpanKind.PRODUCER, parentTraceparent);
  }

  public Span startClient(String name, String parentTraceparent) {
    return start(name, SpanKind.CLIENT, parentTraceparent);
  }

  private Span start(String name, SpanKind kind, String parentTraceparent) {
    var builder = tracer.spanBuilder(name).setSpanKind(kind);
    Context parent = parent(parentTraceparent);
    if (Span.fromContext(parent).getSpanContext().isValid()) builder.setParent(parent);
    else builder.setNoParent();
    return builder.startSpan();
  }

  /** The context a {@code traceparent} names; a malformed or absent one starts a new trace. */
  static Context parent(String traceparent) {
    if (traceparent == null || traceparent.isBlank()) return Context.root();
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT_ONLY);
  }

  /** The span's W3C {@code traceparent}, or null for a span without a valid context. */
  public static String traceparent(Span span) {
    SpanContext sc = span == null ? SpanContext.getInvalid() : span.getSpanContext();
    if (!sc.isValid()) return null;
    return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
  }

  /** The trace id in a {@code traceparent}, or null when it is absent or malformed. */
  public static String traceId(String traceparent) {
    SpanContext sc = Span.fromContext(parent(traceparent)).getSpanContext();
    return sc.isValid() ? sc.getTraceId() : null;
  }

  /** The span id in a {@code traceparent}, or null when it is absent or malformed. */
  public static String spanId(String traceparent) {
    SpanContext sc = Span.fromContext(parent(traceparent)).getSpanContext();
    return sc.isValid() ? sc.getSpanId() : null;
  }

  /** Exports what is buffered and stops (the caller bounds the wait: a collector that is down must not hold a shutdown). */
  Future<Void> shutdown() {
    Promise<Void> done = Promise.promise();
    provider.shutdown().whenComplete(done::tryComplete);
    return done.future();
  }
}
