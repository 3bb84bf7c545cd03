package io.orderflow.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {
  static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  final Tracing tracing = Tracing.local("test");

  @Test
  void aSpanStartedFromATraceparentContinuesItsTrace() {
    var span = tracing.startConsumer("process x", PARENT);
    String tp = Tracing.traceparent(span);
    assertThat(tp).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
    assertThat(Tracing.spanId(tp)).isNotEqualTo("00f067aa0ba902b7");
    span.end();
  }

  @Test
  void aMissingOrMalformedTraceparentStartsANewTrace() {
    for (String parent : new String[] {null, "", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}) {
      var span = tracing.startServer("GET /x", parent);
      assertThat(Tracing.traceId(Tracing.traceparent(span))).as("parent %s", parent).isNotNull().isNotEqualTo("00000000000000000000000000000000");
      span.end();
    }
    assertThat(Tracing.traceId("garbage")).isNull();
    assertThat(Tracing.traceparent(null)).isNull();
  }

  @Test
  void otelVariablesBecomeTheSdksProperties() {
    assertThat(Tracing.otelProperties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "OTEL_SERVICE_NAME", "x")))
        .containsEntry("otel.exporter.otlp.endpoint", "http://collector:4318").containsEntry("otel.service.name", "x");
  }
}
