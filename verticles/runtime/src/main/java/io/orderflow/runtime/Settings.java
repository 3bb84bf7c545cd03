package io.orderflow.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where configuration comes from: defaults in {@code config/orderflow.properties} (or the file named by
 * {@code ORDERFLOW_CONFIG}), overridden by environment variables. A key {@code orders.http.port} is
 * overridden by {@code ORDERFLOW_ORDERS_HTTP_PORT}; a few well-known names ({@code NATS_URL}) are read as
 * they are. Invalid values fail start-up with a message naming the setting.
 */
public final class Settings {
  private final Properties file;
  private final Map<String, String> env;

  Settings(Properties file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  public static Settings load() {
    return load(System.getenv());
  }

  public static Settings load(Map<String, String> env) {
    Properties p = new Properties();
    String path = env.getOrDefault("ORDERFLOW_CONFIG", "config/orderflow.properties");
    Path file = Path.of(path);
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read configuration file " + file + ": " + e.getMessage(), e);
      }
    } else if (env.containsKey("ORDERFLOW_CONFIG")) {
      throw new IllegalStateException("ORDERFLOW_CONFIG names a missing file: " + path);
    }
    return new Settings(p, env);
  }

  /** Settings for tests: the given pairs on top of nothing else. */
  public static Settings of(Map<String, String> values) {
    return new Settings(new Properties(), values);
  }

  public static String envName(String key) {
    return key.equals("nats.url") ? "NATS_URL" : "ORDERFLOW_" + key.toUpperCase().replace('.', '_').replace('-', '_');
  }

  public Optional<String> find(String key) {
    String v = env.get(envName(key));
    if (v == null) v = env.get(key);
    if (v == null) v = file.getProperty(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** The environment entries whose names start with {@code prefix} (e.g. the standard {@code OTEL_*} variables). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new java.util.TreeMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith(prefix) && v != null && !v.isBlank()) out.put(k, v.trim());
    });
    return out;
  }

  public String string(String key, String dflt) {
    return find(key).orElse(dflt);
  }

  public int integer(String key, int dflt) {
    return find(key).map(v -> parse(key, v, Integer::parseInt)).orElse(dflt);
  }

  public long longValue(String key, long dflt) {
    return find(key).map(v -> parse(key, v, Long::parseLong)).orElse(dflt);
  }

  public boolean bool(String key, boolean dflt) {
    return find(key).map(v -> switch (v.toLowerCase()) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw invalid(key, v, "true or false");
    }).orElse(dflt);
  }

  /** Durations as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 24h}. */
  public Duration duration(String key, Duration dflt) {
    return find(key).map(v -> parseDuration(key, v)).orElse(dflt);
  }

  public int port(String key, int dflt) {
    int p = integer(key, dflt);
    if (p < 0 || p > 65535) throw invalid(key, String.valueOf(p), "a port number 0..65535");
    return p;
  }

  static Duration parseDuration(String key, String v) {
    try {
      if (v.startsWith("P") || v.startsWith("p")) return Duration.parse(v);
      if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw invalid(key, v, "a duration such as 30s, 250ms, 5m or PT30S");
    }
  }

  private static <T> T parse(String key, String v, java.util.function.Function<String, T> f) {
    try {
      return f.apply(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "a number");
    }
  }

  private static IllegalArgumentException invalid(String key, String v, String expected) {
    return new IllegalArgumentException("setting " + key + " (" + envName(key) + ") is '" + v + "', expected " + expected);
  }
}
