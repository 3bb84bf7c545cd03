package io.orderflow.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogEncoderTest {
  final LoggerContext context = new LoggerContext();

  JsonObject encode(String logger, String message, Map<String, String> mdc, Throwable error) {
    var encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    var event = new LoggingEvent("fqcn", context.getLogger(logger), Level.INFO, message, error, null);
    event.setMDCPropertyMap(mdc);
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).endsWith(System.lineSeparator());
    assertThat(line.strip()).as("one line").doesNotContain("\n");
    return new JsonObject(line);
  }

  @Test
  void aLineCarriesTheFieldsOperatorsQueryBy() {
    var json = encode("io.orderflow.runtime.messaging.ConsumerRunner", "handled", Map.of("service", "payments", "order_id", "o-1",
        "event_id", "e-1", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7"), null);
    assertThat(json.getString("time")).endsWith("Z");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("service")).isEqualTo("payments");
    assertThat(json.getString("logger")).isEqualTo("io.orderflow.runtime.messaging.ConsumerRunner");
    assertThat(json.getString("message")).isEqualTo("handled");
    assertThat(json.getString("order_id")).isEqualTo("o-1");
    assertThat(json.getString("event_id")).isEqualTo("e-1");
    assertThat(json.getString("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(json.getString("span_id")).isEqualTo("00f067aa0ba902b7");
    assertThat(json.fieldNames()).doesNotContain("@version", "level_value");
  }

  @Test
  void withoutAServiceInTheMdcTheLoggersPackageOrTheProcessNamesIt() {
    assertThat(encode("io.orderflow.payments.gateway.GatewayBreaker", "x", Map.of(), null).getString("service")).isEqualTo("payments");
    assertThat(encode("io.orderflow.pspsim.PspSimVerticle", "x", Map.of(), null).getString("service")).isEqualTo("psp-sim");
    context.putProperty(JsonLogEncoder.PROCESS_PROPERTY, "orders,inventory");
    assertThat(encode("io.orderflow.runtime.ServiceHost", "x", Map.of(), null).getString("service")).isEqualTo("orders,inventory");
    assertThat(encode("io.netty.Whatever", "x", Map.of(), null).fieldNames()).doesNotContain(JsonLogEncoder.PROCESS_PROPERTY);
  }

  @Test
  void addressesTokensAndCredentialsNeverReachTheLine() {
    var json = encode("io.orderflow.notifications.X", "mail to ada@example.com with tok_4eC39HqLyjWDarjtT1zdp7dc, Authorization: Bearer abc.def-ghi",
        Map.of("order_id", "o-1", "contact", "bob@shop.example.org"), new IllegalStateException("550 rejected carol@example.net"));
    String line = json.encode();
    assertThat(line).doesNotContain("ada@example.com", "4eC39HqLyjWDarjtT1zdp7dc", "abc.def-ghi", "bob@shop.example.org", "carol@example.net");
    assertThat(json.getString("message")).isEqualTo("mail to ***@*** with tok_***, Authorization: Bearer ***");
    assertThat(json.getString("stack_trace")).contains("550 rejected ***@***");
  }

  @Test
  void messageIdsAndOrderIdsAreNotMistakenForAddresses() {
    assertThat(LogMasking.mask("sent <01a2260e-4d88-7111-af6d-a36c107b4966.confirmed@orderflow>"))
        .isEqualTo("sent <01a2260e-4d88-7111-af6d-a36c107b4966.confirmed@orderflow>");
    assertThat(LogMasking.mask("from orders@orderflow.local")).isEqualTo("from ***@***");
  }
}
