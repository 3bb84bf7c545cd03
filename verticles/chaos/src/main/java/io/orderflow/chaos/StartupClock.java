package io.orderflow.chaos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long each service takes to start: from starting its process until its {@code /ready} answers 200. When
 * one process runs every service ({@code services all}), a service counts as ready once the management port
 * answers and none of {@code /ready}'s failures names it ({@code <service>:<check>}); that process opens its
 * management port only after every service has started, so no service is ready before the slowest has started.
 */
final class StartupClock {
  private final Http http;
  private final List<Deployment.Instance> instances;
  private final long startedNanos;

  StartupClock(Http http, List<Deployment.Instance> instances, long startedNanos) {
    this.http = http;
    this.instances = instances;
    this.startedNanos = startedNanos;
  }

  /** Seconds to ready by service (the slowest instance of a service counts); fails when one is not ready in time. */
  Map<String, Double> await(Duration timeout) throws Exception {
    Map<String, Double> ready = new LinkedHashMap<>();
    for (Deployment.Instance inst : instances) {
      for (String svc : services(inst)) ready.putIfAbsent(svc, null);
    }
    Wait.until("services ready", timeout, Duration.ofMillis(100), () -> {
      for (Deployment.Instance inst : instances) {
        if (!inst.proc().alive()) throw new IllegalStateException(inst.label() + " exited during start-up; see " + inst.proc().log);
        List<String> open = services(inst).stream().filter(s -> ready.get(s) == null).toList();
        if (open.isEmpty()) continue;
        Http.Response r;
        try {
          r = http.send("GET", inst.ready(), null);
        } catch (java.io.IOException e) {
          continue; // the management port is not open yet
        }
        double at = (System.nanoTime() - startedNanos) / 1e9;
        for (String svc : open) {
          if (readyIn(svc, r.status(), r.body())) ready.put(svc, at);
        }
      }
      return ready.values().stream().allMatch(v -> v != null);
    });
    return ready;
  }

  private static List<String> services(Deployment.Instance inst) {
    return inst.service().equals(Deployment.ALL) ? Deployment.SERVICES : List.of(inst.service());
  }

  /** Whether {@code /ready}'s answer says the service is ready: 200, or a 503 whose failures are all other services'. */
  static boolean readyIn(String service, int status, String body) {
    if (status == 200) return true;
    if (status != 503) return false;
    JsonArray failures;
    try {
      failures = new JsonObject(body).getJsonArray("failures", new JsonArray());
    } catch (RuntimeException e) {
      return false;
    }
    for (Object f : failures) {
      String s = String.valueOf(f);
      if (s.equals("draining") || s.startsWith(service + ":")) return false;
    }
    return true;
  }
}
