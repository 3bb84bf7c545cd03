package io.orderflow.loadtests;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The run's parameters, read from system properties ({@code -Dname=value}, passed on by the Gatling
 * Maven plugin to the JVM it forks). An invalid value fails the run before any request, naming the property.
 *
 * @param rate orders per second in the constant phase (the ramp climbs to it from one per second)
 * @param durationSeconds length of the constant phase; the run lasts {@code rampSeconds + durationSeconds}
 * @param p99Ms the assertion on the 99th percentile of every request's response time
 * @param devKeyDir the folder of the development key the services trust ({@code jwt-dev-key.pem}, a local run's):
 *     customer tokens, and an admin token, are signed with it ({@link Credentials})
 * @param token a customer token for a deployment whose key is not at hand: its subject places every order
 * @param adminToken an admin token for stocking the catalog; without it and without {@code devKeyDir}, no stocking
 * @param pollPercent share of sessions that poll {@code GET /orders/{id}} until the order has ended
 */
record LoadSettings(
    String baseUrl,
    String inventoryUrl,
    double rate,
    int rampSeconds,
    int durationSeconds,
    int skus,
    Optional<Path> devKeyDir,
    Optional<String> token,
    Optional<String> adminToken,
    int p99Ms,
    double maxErrorPercent,
    double pollPercent,
    int pollTimeoutSeconds) {

  static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080";

  /**
   * System properties; the tokens may also come from ORDERFLOW_GATLING_TOKEN and ORDERFLOW_GATLING_ADMIN_TOKEN
   * (what {@code ./orderflow gatling --token} sets): a -D value is visible to anyone who lists processes.
   */
  static LoadSettings fromSystemProperties() {
    return from(name -> {
      String value = System.getProperty(name);
      if (value != null) return value;
      return switch (name) {
        case "token" -> System.getenv("ORDERFLOW_GATLING_TOKEN");
        case "adminToken" -> System.getenv("ORDERFLOW_GATLING_ADMIN_TOKEN");
        default -> null;
      };
    });
  }

  /** Reads the settings from {@code property}, which answers null for an unset name. */
  static LoadSettings from(UnaryOperator<String> property) {
    var p = new Reader(property);
    String baseUrl = p.url("baseUrl", DEFAULT_BASE_URL);
    Optional<Path> devKeyDir = p.optional("devKeyDir").map(Path::of);
    Optional<String> token = p.optional("token");
    // Every request needs a token: without one of these the run could send nothing but 401s.
    if (devKeyDir.isEmpty() && token.isEmpty()) {
      throw new IllegalArgumentException("no credentials: give -DdevKeyDir=DIR (the folder of the development key the services "
          + "trust, e.g. a local run's .data/jwt) or -Dtoken=JWT (a customer token; -DadminToken=JWT as well to stock the catalog)");
    }
    return new LoadSettings(
        baseUrl,
        p.url("inventoryUrl", baseUrl),
        p.positiveDouble("rate", 20),
        p.integer("rampSeconds", 10, 0),
        p.integer("durationSeconds", 60, 1),
        p.integer("skus", 1000, Catalog.MAX_LINES),
        devKeyDir,
        token,
        p.optional("adminToken"),
        p.integer("p99Ms", 250, 1),
        p.percent("maxErrorPercent", 1),
        p.percent("pollPercent", 20),
        p.integer("pollTimeoutSeconds", 30, 1));
  }

  /** Parses one property at a time; every failure names the property and what it expects. */
  private record Reader(UnaryOperator<String> property) {
    String url(String name, String dflt) {
      String value = raw(name);
      if (value == null) return dflt;
      try {
        URI uri = new URI(value);
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
          return value.replaceAll("/+$", "");
        }
      } catch (URISyntaxException e) {
        // reported below, with the expected form
      }
      throw invalid(name, value, "an http(s) URL such as " + DEFAULT_BASE_URL);
    }

    int integer(String name, int dflt, int min) {
      String value = raw(name);
      if (value == null) return dflt;
      try {
        int n = Integer.parseInt(value);
        if (n >= min) return n;
      } catch (NumberFormatException e) {
        // reported below, with the expected range
      }
      throw invalid(name, value, "an integer >= " + min);
    }

    double positiveDouble(String name, double dflt) {
      double d = decimal(name, dflt);
      if (d > 0) return d;
      throw invalid(name, raw(name), "a number > 0");
    }

    double percent(String name, double dflt) {
      double d = decimal(name, dflt);
      if (d >= 0 && d <= 100) return d;
      throw invalid(name, raw(name), "a percentage between 0 and 100");
    }

    private double decimal(String name, double dflt) {
      String value = raw(name);
      if (value == null) return dflt;
      try {
        double d = Double.parseDouble(value);
        if (Double.isFinite(d)) return d;
      } catch (NumberFormatException e) {
        // reported below
      }
      throw invalid(name, value, "a number");
    }

    /** A value as given (stripped), empty when unset or blank. */
    Optional<String> optional(String name) {
      return Optional.ofNullable(raw(name));
    }

    private String raw(String name) {
      String value = property.apply(name);
      return value == null || value.isBlank() ? null : value.strip();
    }

    private static IllegalArgumentException invalid(String name, String value, String expected) {
      return new IllegalArgumentException("-D" + name + "=" + value + " is invalid: expected " + expected);
    }
  }
}
