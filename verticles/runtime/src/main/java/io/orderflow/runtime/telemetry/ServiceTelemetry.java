package io.orderflow.runtime.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What one service measures with and traces with: its own tracer, the process's meter registry. */
public final class ServiceTelemetry {
  private final String service;
  private final Tracing tracing;
  private final MeterRegistry meters;

  ServiceTelemetry(String service, Tracing tracing, MeterRegistry meters) {
    this.service = service;
    this.tracing = tracing;
    this.meters = meters;
  }

  /** For a service started on its own (tests): spans without export, a registry of its own. */
  public static ServiceTelemetry standalone(String service) {
    return new ServiceTelemetry(service, Tracing.local(service), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public String service() {
    return service;
  }

  public Tracing tracing() {
    return tracing;
  }

  public MeterRegistry meters() {
    return meters;
  }
}
