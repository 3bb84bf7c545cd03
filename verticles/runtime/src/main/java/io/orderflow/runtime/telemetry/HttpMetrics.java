package io.orderflow.runtime.telemetry;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.util.Set;

/**
 * Shapes Vert.x's own HTTP metrics into the conventional ones: the response-time timer becomes
 * {@code http_server_requests_seconds} (and {@code http_client_requests_seconds}) with latency buckets,
 * labelled by method, status code and route template (never the raw path, whose order ids would make the
 * label unbounded). Requests to the management port are left out: its routes are named
 * {@value #MANAGEMENT_ROUTE} (see {@link #managementRoute}), so scrapes and probes do not show up as API traffic.
 * Vert.x's other HTTP and pool meters are dropped except the worker pool's queue and use.
 */
public final class HttpMetrics {
  public static final String SERVER_REQUESTS = "http.server.requests";
  public static final String CLIENT_REQUESTS = "http.client.requests";
  static final String MANAGEMENT_ROUTE = "management";
  private static final Set<String> KEPT_POOL_METERS = Set.of("vertx.pool.queue.pending", "vertx.pool.in.use");
  private static final double[] LATENCY_BUCKETS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private HttpMetrics() {}

  /** The name of a management route as Vert.x reports it, so its requests are not counted as API requests. */
  public static String managementRoute(String path) {
    return MANAGEMENT_ROUTE + ":" + path;
  }

  static void configure(MeterRegistry registry) {
    registry.config()
        .meterFilter(rename("vertx.http.server.response.time", SERVER_REQUESTS, "Public API requests by method, route template and status code"))
        .meterFilter(rename("vertx.http.client.response.time", CLIENT_REQUESTS, "Outgoing HTTP calls (the payment gateway) by method and status code"))
        .meterFilter(new MeterFilter() {
          @Override
          public MeterFilterReply accept(Meter.Id id) {
            String name = id.getName();
            if (name.startsWith("vertx.http.")) return MeterFilterReply.DENY;
            if (name.startsWith("vertx.pool.") && !KEPT_POOL_METERS.contains(name)) return MeterFilterReply.DENY;
            String route = id.getTag("route");
            if (name.equals(SERVER_REQUESTS) && route != null && route.startsWith(MANAGEMENT_ROUTE)) return MeterFilterReply.DENY;
            return MeterFilterReply.NEUTRAL;
          }

          @Override
          public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (!id.getName().equals(SERVER_REQUESTS) && !id.getName().equals(CLIENT_REQUESTS)) return config;
            return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos(LATENCY_BUCKETS_SECONDS)).build().merge(config);
          }
        });
  }

  private static MeterFilter rename(String from, String to, String description) {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals(from) ? new Meter.Id(to, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType()) : id;
      }
    };
  }

  /** Timer buckets are given in the timer's base unit, nanoseconds. */
  static double[] nanos(double... seconds) {
    double[] out = new double[seconds.length];
    for (int i = 0; i < seconds.length; i++) out[i] = seconds[i] * 1e9;
    return out;
  }
}
