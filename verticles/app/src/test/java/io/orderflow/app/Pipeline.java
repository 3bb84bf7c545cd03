package io.orderflow.app;

import io.orderflow.launcher.Services;
import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.nats.NatsIdentities;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.TokenIssuer;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole orderflow in one test JVM, from real parts: a nats-server process, psp-sim, an SMTP sink, and
 * service hosts (each with its own Vert.x and its own NATS connections, like separate processes).
 */
final class Pipeline implements AutoCloseable {
  final NatsServer nats;
  final Connection nc;
  final Vertx clientVertx = Vertx.vertx();
  final WebClient http;
  SmtpSink smtp;
  final Path mailDir;
  final int pspPort;
  private final ServiceHosts hosts = new ServiceHosts();
  private final Map<String, String> settings = new HashMap<>();
  /** Signs with the development key the hosts trust (a folder of this pipeline's own). */
  final TokenIssuer tokens;
  private final Map<String, String> customerTokens = new java.util.concurrent.ConcurrentHashMap<>();
  final String adminToken;
  /** psp-sim's admin secret: {@link #call} presents it on psp-sim's port, an admin token elsewhere. */
  static final String PSP_ADMIN_SECRET = "pipeline-psp-admin-secret";

  Pipeline() throws Exception {
    // The server as ./orderflow run starts it: every service connects as its own identity, with its permissions.
    nats = NatsServer.secured();
    nc = nats.connect();
    settings.putAll(nats.settings());
    settings.put("ORDERFLOW_CONSUMER_ACK_WAIT", "10s");
    settings.put("ORDERFLOW_CONSUMER_BACKOFF", "50ms");
    settings.put("ORDERFLOW_CONSUMER_MAX_BACKOFF", "1s");
    settings.put("ORDERFLOW_AUDIT_CHECKPOINT_EVERY", "500");
    // Tests send refused requests by the hundred from one address; RateLimitTest sets its own limits.
    settings.put("ORDERFLOW_HTTP_RATE_LIMIT_ANONYMOUS_PER_SECOND", "100000");
    Path keyDir = Files.createTempDirectory("orderflow-jwt-");
    settings.put("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR", keyDir.toString());
    tokens = TokenIssuer.of(clientVertx, DevKeys.ensure(keyDir));
    adminToken = tokens.admin("test-admin", java.time.Duration.ofHours(1));
    try (Connection provisioner = nats.connectAs(NatsIdentities.PROVISIONER)) {
      Provisioner.from(Settings.of(settings)).provision(provisioner);
    }
    var psp = new PspSimVerticle(0, PSP_ADMIN_SECRET);
    clientVertx.deployVerticle(psp).await(20, TimeUnit.SECONDS);
    pspPort = psp.actualPort();
    mailDir = Files.createTempDirectory("orderflow-mail-");
    smtp = SmtpSink.start(0, mailDir);
    settings.put("ORDERFLOW_PSP_URL", "http://127.0.0.1:" + pspPort);
    settings.put("ORDERFLOW_SMTP_PORT", String.valueOf(smtp.port()));
    settings.put("ORDERFLOW_SMTP_HOST", "127.0.0.1");
    http = WebClient.create(clientVertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
  }

  /** A setting for the hosts started after this call (e.g. an OTLP endpoint). */
  Pipeline with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  String settingsValue(String key) {
    return settings.get(key);
  }

  int pspPort() {
    return pspPort;
  }

  /** Starts a host running the named services on free ports; returns its public port. */
  ServiceHost host(String services) throws Exception {
    return hosts.start(settings, services);
  }

  /** Stops one host the way SIGTERM would (graceful: leases are given up). */
  void stop(ServiceHost host) throws Exception {
    hosts.stop(host);
  }

  /** An order placed directly with the client, as its customer. */
  io.vertx.core.Future<HttpResponse<Buffer>> place(int port, JsonObject order, String idempotencyKey) {
    var req = http.post(port, "127.0.0.1", "/orders").putHeader("Authorization", "Bearer " + customerToken(order.getString("customerId")));
    if (idempotencyKey != null) req.putHeader("Idempotency-Key", idempotencyKey);
    return req.sendJsonObject(order);
  }

  /** A read directly with the client, as an admin. */
  io.vertx.core.Future<HttpResponse<Buffer>> read(int port, String path) {
    return http.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + adminToken).send();
  }

  /** A customer's token (cached per id). */
  String customerToken(String customerId) {
    return customerTokens.computeIfAbsent(customerId, id -> tokens.customer(id, java.time.Duration.ofHours(1)));
  }

  /**
   * A request as the party allowed to make it, unless {@code headers} names an Authorization itself: an order
   * placed with its customer's token, anything else with an admin's.
   */
  HttpResponse<Buffer> call(HttpMethod method, int port, String path, JsonObject body, Map<String, String> headers) {
    var req = http.request(method, port, "127.0.0.1", path);
    if (!headers.containsKey("Authorization")) {
      boolean placing = method == HttpMethod.POST && path.startsWith("/orders") && body != null && body.getValue("customerId") instanceof String;
      req.putHeader("Authorization", "Bearer " + (port == pspPort ? PSP_ADMIN_SECRET : placing ? customerToken(body.getString("customerId")) : adminToken));
    }
    // An empty Authorization stands for none at all: an anonymous request.
    headers.forEach((k, v) -> {
      if (!(k.equals("Authorization") && v.isEmpty())) req.putHeader(k, v);
    });
    var f = body == null ? req.send() : req.sendJsonObject(body);
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(method + " " + path + " did not answer within 30 s", e);
    }
  }

  HttpResponse<Buffer> get(int port, String path) {
    return call(HttpMethod.GET, port, path, null, Map.of());
  }

  /** True when no consumer has anything pending or unacknowledged. */
  boolean quiet() throws Exception {
    var jsm = nc.jetStreamManagement();
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      ConsumerInfo ci = jsm.getConsumerInfo(c.stream(), c.durable());
      if (ci.getNumPending() > 0 || ci.getNumAckPending() > 0) return false;
    }
    return true;
  }

  /** Every JetStream write so far: messages stored in all streams, key-value buckets included. */
  long writes() throws Exception {
    long total = 0;
    for (var name : nc.jetStreamManagement().getStreamNames()) {
      total += nc.jetStreamManagement().getStreamInfo(name).getStreamState().getLastSequence();
    }
    return total;
  }

  @Override
  public void close() throws Exception {
    hosts.close();
    clientVertx.close().await(10, TimeUnit.SECONDS);
    smtp.close();
    nc.close();
    // Every service did its work within its NATS permissions: a violation would be a rule missing from
    // config/nats/identities.conf (or a service doing what it should not).
    List<String> violations = nats.violations();
    nats.close();
    if (!violations.isEmpty()) throw new AssertionError("NATS permission violations during the test:\n" + String.join("\n", violations));
  }
}
