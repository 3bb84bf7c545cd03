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

  /** Seconds to ready by service (its slowest instance); fails when an instance is not ready in time or exits. */
  Map<String, Double> await(Duration timeout) throws Exception {
    // By instance and service: every instance must get ready, as before the clock was added.
    Map<Deployment.Instance, Map<String, Double>> ready = new LinkedHashMap<>();
    for (Deployment.Instance inst : instances) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String svc : services(inst)) m.put(svc, null);
      ready.put(inst, m);
    }
    Wait.until("services ready", timeout, Duration.ofMillis(100), () -> {
      boolean all = true;
      for (Deployment.Instance inst : instances) {
        if (!inst.proc().alive()) throw new IllegalStateException(inst.label() + " exited during start-up; see " + inst.proc().log);
        Map<String, Double> m = ready.get(inst);
        if (!m.containsValue(null)) continue;
        Http.Response r;
        try {
          r = http.send("GET", inst.ready(), null);
        } catch (java.io.IOException e) {
          all = false;
          continue; // the management port is not open yet
        }
        double at = (System.nanoTime() - startedNanos) / 1e9;
        for (String svc : services(inst)) {
          if (m.get(svc) == null && readyIn(svc, r.status(), r.body())) m.put(svc, at);
        }
        all &= !m.containsValue(null);
      }
      return all;
    });
    Map<String, Double> bySvc = new LinkedHashMap<>();
    ready.values().forEach(m -> m.forEach((svc, at) -> bySvc.merge(svc, at, Math::max)));
    return bySvc;
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
