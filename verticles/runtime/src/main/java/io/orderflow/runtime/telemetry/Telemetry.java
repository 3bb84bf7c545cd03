package io.orderflow.runtime.telemetry;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orderflow.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one process measures and traces: one Prometheus registry (Vert.x's HTTP and JVM metrics next to
 * orderflow's own, scraped on the management port) and one OpenTelemetry SDK per service, so that in a
 * process running several services every span still names the service that made it. Create it first: the
 * Vert.x instance it builds reports its HTTP metrics into the registry.
 */
public final class Telemetry {
  private final Settings settings;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, ServiceTelemetry> services = new ConcurrentHashMap<>();
  private final String instanceId;
  private Vertx vertx;

  private Telemetry(Settings settings) {
    this.settings = settings;
    // Unique per process, also when tests run several hosts in one JVM: leases and traces are keyed by it.
    this.instanceId = settings.string("instance.id", ManagementFactory.getRuntimeMXBean().getName())
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
    HttpMetrics.configure(registry);
  }

  public static Telemetry create(Settings settings) {
    return new Telemetry(settings);
  }

  /** Names this process: lease holders and {@code service.instance.id} in traces. */
  public String instanceId() {
    return instanceId;
  }

  /** The process's Vert.x, reporting HTTP server, HTTP client, worker-pool and JVM metrics into {@link #registry()}. */
  public synchronized Vertx vertx() {
    if (vertx == null) {
      var metrics = new MicrometerMetricsOptions()
          .setEnabled(true)
          .setJvmMetricsEnabled(true)
          // Unique per process and per test host: Vert.x keys its backends by this name.
          .setRegistryName("orderflow-" + UUID.randomUUID())
          .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
          .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
          .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
          .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
          .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)
          .addDisabledMetricsCategory(MetricsDomain.VERTICLES);
      vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
          .withMetrics(new MicrometerMetricsFactory(registry)).build();
    }
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The telemetry of one service of this process (its tracer, the shared registry). */
  public ServiceTelemetry service(String name) {
    return services.computeIfAbsent(name, n -> new ServiceTelemetry(n, Tracing.create(settings, n, instanceId), registry));
  }

  /** Exports the spans still buffered, then stops the tracers; metrics stay readable until the process ends. */
  public Future<Void> flush() {
    List<Future<Void>> done = new ArrayList<>();
    for (ServiceTelemetry s : services.values()) done.add(s.tracing().shutdown());
    return Future.join(done).mapEmpty();
  }
}
