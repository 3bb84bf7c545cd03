package io.orderflow.app;

import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfoOptions;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.EventCodec;
import io.orderflow.launcher.Services;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.ServiceHost;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.nats.NatsIdentities;
import io.orderflow.runtime.security.DevKeys;
import io.orderflow.runtime.security.TokenIssuer;
import io.orderflow.runtime.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A whole orderflow like {@link Pipeline}'s, on a secured nats-server that nothing has provisioned: the test decides
 * what the server holds first (an earlier release's topology, a restored backup), as an operator's upgrade or
 * recovery finds it, then provisions and starts this version's services.
 */
final class OperationsBed implements AutoCloseable {
  final NatsServer nats = NatsServer.secured();
  final Connection nc;
  final Vertx clientVertx = Vertx.vertx();
  final WebClient http;
  final SmtpSink smtp;
  final int pspPort;
  final Map<String, String> settings = new HashMap<>();
  private final TokenIssuer tokens;
  private final String adminToken;
  private final ServiceHosts hosts = new ServiceHosts();

  OperationsBed() throws Exception {
    nc = nats.connect();
    settings.putAll(nats.settings());
    settings.put("ORDERFLOW_CONSUMER_ACK_WAIT", "10s");
    settings.put("ORDERFLOW_CONSUMER_BACKOFF", "50ms");
    settings.put("ORDERFLOW_CONSUMER_MAX_BACKOFF", "1s");
    settings.put("ORDERFLOW_AUDIT_CHECKPOINT_EVERY", "500");
    Path keyDir = Files.createTempDirectory("orderflow-jwt-");
    settings.put("ORDERFLOW_AUTH_JWT_DEV_KEY_DIR", keyDir.toString());
    tokens = TokenIssuer.of(clientVertx, DevKeys.ensure(keyDir));
    adminToken = tokens.admin("test-admin", Duration.ofHours(1));
    var psp = new PspSimVerticle(0, Pipeline.PSP_ADMIN_SECRET);
    clientVertx.deployVerticle(psp).await(20, TimeUnit.SECONDS);
    pspPort = psp.actualPort();
    smtp = SmtpSink.start(0, Files.createTempDirectory("orderflow-mail-"));
    settings.put("ORDERFLOW_PSP_URL", "http://127.0.0.1:" + pspPort);
    settings.put("ORDERFLOW_SMTP_PORT", String.valueOf(smtp.port()));
    settings.put("ORDERFLOW_SMTP_HOST", "127.0.0.1");
    http = WebClient.create(clientVertx);
  }

  /** This version's provisioning, as {@code orderflow provision} runs it: the provisioner identity, these settings. */
  Provisioner.Changes provision() throws Exception {
    try (Connection provisioner = nats.connectAs(NatsIdentities.PROVISIONER)) {
      return Provisioner.from(Settings.of(settings)).provision(provisioner);
    }
  }

  /** Starts a host running the named services of this version on free ports. */
  ServiceHost host(String services) throws Exception {
    return hosts.start(settings, services);
  }

  /** Stops a host the way SIGTERM would. */
  void stop(ServiceHost host) throws Exception {
    hosts.stop(host);
  }

  JsonObject setStock(int port, String sku, long available, long priceCents) throws Exception {
    var r = http.put(port, "127.0.0.1", "/inventory/" + sku).putHeader("Authorization", "Bearer " + adminToken)
        .sendJsonObject(new JsonObject().put("priceCents", priceCents).put("available", available)).await(30, TimeUnit.SECONDS);
    if (r.statusCode() != 200) throw new AssertionError("PUT /inventory/" + sku + ": " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** Places an order as its customer; answers its id (the API answered 202). */
  String place(int port, JsonObject order) throws Exception {
    var r = http.post(port, "127.0.0.1", "/orders").putHeader("Authorization", "Bearer " + tokens.customer(order.getString("customerId"), Duration.ofHours(1)))
        .sendJsonObject(order).await(30, TimeUnit.SECONDS);
    if (r.statusCode() != 202) throw new AssertionError("POST /orders: " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject().getString("orderId");
  }

  JsonObject get(int port, String path) throws Exception {
    var r = http.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + (port == pspPort ? Pipeline.PSP_ADMIN_SECRET : adminToken))
        .send().await(30, TimeUnit.SECONDS);
    if (r.statusCode() != 200) throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** True when no consumer of this version has anything pending or unacknowledged. */
  boolean quiet() throws Exception {
    for (Topology.ConsumerSpec c : Topology.CONSUMERS) {
      ConsumerInfo ci = nc.jetStreamManagement().getConsumerInfo(c.stream(), c.durable());
      if (ci.getNumPending() > 0 || ci.getNumAckPending() > 0) return false;
    }
    return true;
  }

  /** How many messages each subject matching {@code filter} holds in {@code stream}. */
  Map<String, Long> subjectCounts(String stream, String filter) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    nc.jetStreamManagement().getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter)).getStreamState().getSubjects()
        .forEach(s -> counts.put(s.getName(), s.getCount()));
    return counts;
  }

  /** The ids of the events stored in {@code stream}. */
  Set<String> eventIds(String stream) throws Exception {
    Set<String> ids = new HashSet<>();
    var jsm = nc.jetStreamManagement();
    var state = jsm.getStreamInfo(stream).getStreamState();
    for (long s = state.getFirstSequence(); s <= state.getLastSequence() && state.getMsgCount() > 0; s++) {
      if (EventCodec.decode(jsm.getMessage(stream, s).getData()) instanceof Decoded.Ok ok) ids.add(ok.envelope().id());
    }
    return ids;
  }

  @Override
  public void close() throws Exception {
    hosts.close();
    clientVertx.close().await(10, TimeUnit.SECONDS);
    smtp.close();
    nc.close();
    // Every identity did its work within its permissions, this version's services on an earlier topology included.
    List<String> violations = nats.violations();
    nats.close();
    if (!violations.isEmpty()) throw new AssertionError("NATS permission violations during the test:\n" + String.join("\n", violations));
  }
}
