package io.orderflow.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables the launcher reads, each with the evidence that it does (a string in the main sources
 * under verticles/): the keys of config/orderflow.properties as environment names, one password per NATS identity of
 * config/nats/identities.conf, the standard OTEL_* variables, and the few read from the environment only.
 */
record LauncherSettings(Map<String, String> evidence) {
  /**
   * THE list of variables that are not keys of config/orderflow.properties, with the string in verticles/ that shows
   * they are read ("" for the JVM's own). A manifest may set nothing else; keep it short and keep it true.
   */
  static final Map<String, String> ENVIRONMENT_ONLY = Map.of(
      "ORDERFLOW_CONFIG", "\"ORDERFLOW_CONFIG\"", // Settings.load: the properties file to read
      "ORDERFLOW_LOG_FORMAT", "ORDERFLOW_LOG_FORMAT", // logback.xml: json or text
      "ORDERFLOW_LOG_LEVEL", "ORDERFLOW_LOG_LEVEL", // logback.xml: the root level
      "ORDERFLOW_SERVICE", "ORDERFLOW_SERVICE", // the launcher: the service to run, instead of args
      "ORDERFLOW_INSTANCE_ID", "\"instance.id\"", // instance.id (listed commented out in the properties file)
      "ORDERFLOW_SMTP_BIND", "ORDERFLOW_SMTP_BIND", // the SMTP sink's bind address (dev image)
      "ORDERFLOW_PSP_ADMIN_SECRET", "\"psp.admin-secret\"", // psp.admin-secret (dev image); not yet in orderflow.properties
      "JAVA_TOOL_OPTIONS", ""); // the JVM itself
  /** Telemetry hands every OTEL_* variable to the OpenTelemetry SDK (runtime Tracing: Settings.withPrefix). */
  static final String OTEL_PREFIX = "OTEL_";
  static final String OTEL_EVIDENCE = "withPrefix(\"OTEL_\")";

  private static final Pattern PROPERTY = Pattern.compile("^#?\\s*([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)=", Pattern.MULTILINE);
  private static final Pattern IDENTITY = Pattern.compile("\\buser:\\s*([a-z]+)");

  static LauncherSettings of(Path projectRoot) {
    Map<String, String> evidence = new TreeMap<>(ENVIRONMENT_ONLY);
    String properties = read(projectRoot.resolve("config/orderflow.properties"));
    Matcher p = PROPERTY.matcher(properties);
    while (p.find()) evidence.put(envName(p.group(1)), "\"" + p.group(1) + "\"");
    Matcher id = IDENTITY.matcher(read(projectRoot.resolve("config/nats/identities.conf")));
    while (id.find()) evidence.put(envName("nats." + id.group(1) + ".password"), "passwordKey(");
    return new LauncherSettings(evidence);
  }

  /** As the launcher's Settings.envName: {@code a.b-c} is read from ORDERFLOW_A_B_C, {@code nats.url} from NATS_URL. */
  static String envName(String key) {
    return key.equals("nats.url") ? "NATS_URL" : "ORDERFLOW_" + key.toUpperCase().replace('.', '_').replace('-', '_');
  }

  /** The evidence that the launcher reads {@code variable}, or empty: an unknown variable. */
  Optional<String> evidenceFor(String variable) {
    if (variable.startsWith(OTEL_PREFIX)) return Optional.of(OTEL_EVIDENCE);
    return Optional.ofNullable(evidence.get(variable));
  }

  boolean knows(String variable) {
    return evidenceFor(variable).isPresent();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
