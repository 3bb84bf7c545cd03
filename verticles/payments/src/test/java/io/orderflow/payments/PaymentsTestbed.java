package io.orderflow.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.orderflow.codecs.Decoded;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Subjects;
import io.orderflow.pspsim.PspSimVerticle;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.DeadLetters;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every payments test stands on: a real nats-server, a connection and bridge to it, a real psp-sim
 * behind a {@link GatewayProxy}, and the probes that read what payments decided and what the gateway
 * charged. The payments service itself is the test's to start, with its own settings.
 */
final class PaymentsTestbed implements AutoCloseable {
  /** psp-sim's admin answers fast; this is for a loaded two-core machine. */
  private static final long ADMIN_TIMEOUT_SECONDS = 15;

  final NatsServer nats;
  final Connection nc;
  final Vertx vertx;
  /** The harness's bridge (allowed everything): tests publish the events payments reacts to through it. */
  final JetStreamBridge bridge;
  static final String PSP_ADMIN_SECRET = "payments-test-psp-admin";
  /** Payments' own: its NATS identity, with exactly the permissions config/nats/identities.conf gives it. */
  final JetStreamBridge serviceBridge;
  private final Connection serviceConnection;
  final WebClient http;
  final int pspPort;
  final GatewayProxy proxy;

  private PaymentsTestbed(NatsServer nats, Connection nc, Connection serviceConnection, Vertx vertx, int pspPort, GatewayProxy proxy) {
    this.nats = nats;
    this.nc = nc;
    this.vertx = vertx;
    this.bridge = new JetStreamBridge(vertx, nc);
    this.serviceConnection = serviceConnection;
    this.serviceBridge = new JetStreamBridge(vertx, serviceConnection);
    this.http = WebClient.create(vertx);
    this.pspPort = pspPort;
    this.proxy = proxy;
  }

  static PaymentsTestbed start() throws Exception {
    NatsServer nats = NatsServer.secured();
    Connection nc = nats.connect();
    Vertx vertx = Vertx.vertx();
    PspSimVerticle psp = new PspSimVerticle(0, PSP_ADMIN_SECRET);
    vertx.deployVerticle(psp).await(10, TimeUnit.SECONDS);
    GatewayProxy proxy = GatewayProxy.start(vertx, psp.actualPort()).await(10, TimeUnit.SECONDS);
    return new PaymentsTestbed(nats, nc, nats.connectAs("payments"), vertx, psp.actualPort(), proxy);
  }

  /** The gateway URL payments should call: through the proxy, so that a test can make it misbehave. */
  String gatewayUrl() {
    return "http://127.0.0.1:" + proxy.port();
  }

  /** The gateway URL without the proxy in between. */
  String directGatewayUrl() {
    return "http://127.0.0.1:" + pspPort;
  }

  /** Sets psp-sim's faults ({"mode": "ok" | "down" | ...}). */
  void faults(JsonObject settings) throws Exception {
    var r = http.post(pspPort, "127.0.0.1", "/admin/faults").putHeader("Authorization", "Bearer " + PSP_ADMIN_SECRET).sendJsonObject(settings).await(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  /** psp-sim's whole ledger: every idempotency key with its requests and charges. */
  JsonObject ledger() throws Exception {
    return http.get(pspPort, "127.0.0.1", "/admin/ledger").putHeader("Authorization", "Bearer " + PSP_ADMIN_SECRET).send().await(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  /** The gateway's entry for the order's key; an empty one (no requests, no charges) if it never saw it. */
  JsonObject ledger(String order) throws Exception {
    JsonObject key = ledger().getJsonObject("keys").getJsonObject(order);
    return key == null ? new JsonObject().put("requests", 0).put("charges", new JsonArray()) : key;
  }

  /** The gateway's charges under the order's key (voided ones included, marked). */
  JsonArray charges(String order) throws Exception {
    return ledger(order).getJsonArray("charges");
  }

  /** The payment decision stored for the order, or null. */
  Event payment(String order) throws Exception {
    return bridge.lastEvent(Topology.PAYMENTS, Subjects.PAYMENTS + "." + order).await(5, TimeUnit.SECONDS)
        .filter(StoredEvent::ok).map(e -> e.envelope().data()).orElse(null);
  }

  /** How many of these orders have a payment decision. */
  long decided(List<String> orders) throws Exception {
    long n = 0;
    for (String o : orders) if (payment(o) != null) n++;
    return n;
  }

  long lastSequence(String stream) throws Exception {
    return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
  }

  long messages(String stream) throws Exception {
    return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
  }

  /** The payments breakers' transitions, in order, from the SYSTEM stream. */
  List<String> breakerStates() throws Exception {
    var jsm = nc.jetStreamManagement();
    List<String> states = new ArrayList<>();
    long last = lastSequence(Topology.SYSTEM);
    for (long s = 1; s <= last; s++) {
      if (EventCodec.decode(jsm.getMessage(Topology.SYSTEM, s).getData()) instanceof Decoded.Ok ok
          && ok.envelope().data() instanceof Event.BreakerChanged b) states.add(b.state());
    }
    return states;
  }

  /** The dead letters (of any consumer) of these orders' messages. */
  List<MessageInfo> deadLetters(List<String> orders) throws Exception {
    var jsm = nc.jetStreamManagement();
    List<MessageInfo> found = new ArrayList<>();
    long last = lastSequence(Topology.DLQ);
    for (long s = 1; s <= last; s++) {
      MessageInfo m;
      try {
        m = jsm.getMessage(Topology.DLQ, s);
      } catch (JetStreamApiException e) {
        continue; // deleted by the DLQ admin
      }
      String subject = m.getHeaders() == null ? null : m.getHeaders().getFirst(DeadLetters.SUBJECT);
      if (subject != null && orders.contains(Subjects.lastToken(subject))) found.add(m);
    }
    return found;
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } finally {
      serviceConnection.close();
      nc.close();
      List<String> violations = nats.violations();
      nats.close();
      // Payments did its work within its NATS permissions (config/nats/identities.conf).
      if (!violations.isEmpty()) throw new AssertionError("NATS permission violations:\n" + String.join("\n", violations));
    }
  }
}
