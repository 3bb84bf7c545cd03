package io.orderflow.app;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A small OTLP/HTTP trace receiver: accepts {@code POST /v1/traces} with protobuf bodies, as an
 * OpenTelemetry Collector would, decodes them and keeps every span. JSON bodies are refused (415), so a
 * test passing here means the services really export OTLP protobuf.
 */
final class OtlpReceiver implements AutoCloseable {
  record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, Span.SpanKind kind, String name,
                      Map<String, String> attributes) {
    boolean isRoot() {
      return parentSpanId.isEmpty();
    }
  }

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  static OtlpReceiver start(Vertx vertx) throws Exception {
    var holder = new OtlpReceiver[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> holder[0].handle(req)).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    holder[0] = new OtlpReceiver(server);
    return holder[0];
  }

  /** The base URL for {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the exporter appends {@code /v1/traces}). */
  String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** Requests that were not valid OTLP/HTTP protobuf trace exports. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  private void handle(HttpServerRequest req) {
    if (!req.path().equals("/v1/traces") || req.method() != io.vertx.core.http.HttpMethod.POST) {
      problems.add(req.method() + " " + req.path());
      req.response().setStatusCode(404).end();
      return;
    }
    String type = req.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/x-protobuf")) {
      problems.add("content type " + type);
      req.response().setStatusCode(415).end();
      return;
    }
    req.body().onSuccess(body -> {
      try {
        collect(ExportTraceServiceRequest.parseFrom(body.getBytes()));
        req.response().putHeader("Content-Type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (Exception e) {
        problems.add("undecodable export: " + e);
        req.response().setStatusCode(400).end();
      }
    });
  }

  private void collect(ExportTraceServiceRequest export) {
    for (ResourceSpans rs : export.getResourceSpansList()) {
      String service = attributes(rs.getResource().getAttributesList()).getOrDefault("service.name", "?");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          spans.add(new ReceivedSpan(service, hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()), s.getKind(),
              s.getName(), attributes(s.getAttributesList())));
        }
      }
    }
  }

  private static Map<String, String> attributes(List<KeyValue> kvs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      var v = kv.getValue();
      out.put(kv.getKey(), switch (v.getValueCase()) {
        case STRING_VALUE -> v.getStringValue();
        case INT_VALUE -> String.valueOf(v.getIntValue());
        case BOOL_VALUE -> String.valueOf(v.getBoolValue());
        case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
        default -> v.toString();
      });
    }
    return out;
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() throws Exception {
    server.close().await(5, TimeUnit.SECONDS);
  }
}
