package io.orderflow.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.api.StreamInfoOptions;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Cause;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.OrderLine;
import io.orderflow.codecs.Subjects;
import io.orderflow.orders.domain.OrderView;
import io.orderflow.runtime.NatsCluster;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The order-end fence on three replicas: deciders connected to different nodes, all having read the order as
 * open, end it at the same moment with different outcomes. The expected-last-subject-sequence fence lets
 * exactly one outcome be stored; every other decider learns it and refreshes the projection from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderEndFenceClusterTest {
  private static final int NODES = 3;
  private static final int ORDERS = 200;
  private static final int DECIDERS = 6;
  private static final CancelReason[] REASONS = CancelReason.values();

  NatsCluster cluster;
  Connection admin;
  final List<Connection> connections = new ArrayList<>();
  final List<Vertx> vertxes = new ArrayList<>();
  final List<JetStreamBridge> bridges = new ArrayList<>();
  final List<MeterRegistry> registries = new ArrayList<>();
  final List<OrderEnding> endings = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    cluster = NatsCluster.start(NODES);
    admin = cluster.connect();
    Provisioner.from(Settings.of(Map.of("ORDERFLOW_NATS_REPLICAS", "3"))).provision(admin);
    assertThat(admin.jetStreamManagement().getStreamInfo(Topology.ORDERS).getConfiguration().getReplicas()).isEqualTo(3);
    // One orders instance per node, as three replicas of the service would be.
    for (int i = 0; i < NODES; i++) {
      Connection nc = cluster.connect(i);
      connections.add(nc);
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      JetStreamBridge bridge = new JetStreamBridge(vertx, nc);
      bridges.add(bridge);
      MeterRegistry registry = new SimpleMeterRegistry();
      registries.add(registry);
      endings.add(new OrderEnding(bridge, new OrderProjection(bridge), new OrderMetrics(registry)));
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (Vertx v : vertxes) v.close().await(10, TimeUnit.SECONDS);
    for (Connection nc : connections) nc.close();
    if (admin != null) admin.close();
    if (cluster != null) cluster.close();
  }

  @Test
  void decidersOnEveryNodeRacingToEndAnOrderStoreOneOutcome() throws Exception {
    List<Envelope> placed = new ArrayList<>();
    List<Future<?>> stored = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      var order = new Event.OrderPlaced(Ids.newOrderId(), "c-fence-" + i, List.of(new OrderLine("SKU-1", 1, 900)), 900, "EUR", "h");
      Envelope e = Envelope.of(order, Instant.now(), Cause.NONE);
      placed.add(e);
      stored.add(bridges.get(i % NODES).publish(e));
    }
    Future.all(stored).await(30, TimeUnit.SECONDS);

    // Every decider reads the order first, through its own node, and finds it open: all of them will publish
    // with the same expectation (nothing on the ended subject).
    List<List<Future<OrderEnding.Order>>> loads = new ArrayList<>();
    for (Envelope e : placed) {
      List<Future<OrderEnding.Order>> perOrder = new ArrayList<>();
      for (int d = 0; d < DECIDERS; d++) perOrder.add(decider(d).load(order(e).orderId()));
      loads.add(perOrder);
    }
    Future.all(loads.stream().flatMap(List::stream).toList()).await(30, TimeUnit.SECONDS);
    for (List<Future<OrderEnding.Order>> perOrder : loads) {
      for (Future<OrderEnding.Order> read : perOrder) {
        assertThat(read.result().exists()).isTrue();
        assertThat(read.result().hasEnded()).isFalse();
        assertThat(read.result().endedSequence()).isZero();
      }
    }

    List<Future<Void>> ends = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      Event.OrderPlaced order = order(placed.get(i));
      for (int d = 0; d < DECIDERS; d++) {
        ends.add(decider(d).end(loads.get(i).get(d).result(), outcome(order, (i + d) % DECIDERS), Cause.NONE));
      }
    }
    Future.join(ends).otherwiseEmpty().await(60, TimeUnit.SECONDS);

    List<String> notRetryable = ends.stream().filter(Future::failed).map(Future::cause)
        .filter(e -> !(e instanceof EventHandler.RetryLater) && !JetStreamBridge.isBrokerOutage(e)).map(Throwable::toString).toList();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(notRetryable).as("end() failures a consumer would count against the message").isEmpty();

    Map<String, Long> endedPerSubject = admin.jetStreamManagement()
        .getStreamInfo(Topology.ORDERS, StreamInfoOptions.filterSubjects(Subjects.ORDERS_ENDED + ".>"))
        .getStreamState().getSubjectMap();
    List<String> notOnce = new ArrayList<>();
    for (Envelope e : placed) {
      String subject = endedSubject(order(e));
      long count = endedPerSubject.getOrDefault(subject, 0L);
      if (count != 1) notOnce.add(subject + ": " + count);
    }
    softly.assertThat(notOnce).as("orders whose ended subject does not hold exactly one outcome").isEmpty();

    Map<String, Double> storedOutcomes = new TreeMap<>();
    List<String> wrongViews = new ArrayList<>();
    for (Envelope e : placed) {
      Event.OrderPlaced order = order(e);
      StoredEvent outcome = bridges.get(0).lastEvent(Topology.ORDERS, endedSubject(order)).await(10, TimeUnit.SECONDS).orElseThrow();
      storedOutcomes.merge(metricKey(outcome.envelope().data()), 1.0, Double::sum);
      OrderView expected = OrderView.placed(order, e.time()).ended(outcome.envelope().data(), outcome.envelope().time());
      OrderView shown = view(expected.key());
      if (!expected.equals(shown)) wrongViews.add("expected " + expected + ", projection " + shown);
    }
    softly.assertThat(wrongViews).as("projections that do not show the stored outcome").isEmpty();
    softly.assertThat(endedCounts()).as("orders.ended over every instance: each stored outcome counted once").isEqualTo(storedOutcomes);
    softly.assertAll();
  }

  private OrderEnding decider(int d) {
    return endings.get(d % NODES);
  }

  private static Event outcome(Event.OrderPlaced order, int choice) {
    if (choice == 0) return new Event.OrderConfirmed(order.orderId(), order.customerId(), order.totalCents(), order.currency());
    return new Event.OrderCancelled(order.orderId(), order.customerId(), REASONS[(choice - 1) % REASONS.length], "decider " + choice);
  }

  private static Event.OrderPlaced order(Envelope e) {
    return (Event.OrderPlaced) e.data();
  }

  private static String endedSubject(Event.OrderPlaced order) {
    return Subjects.ORDERS_ENDED + "." + order.orderId();
  }

  /** The projection as its stream's leader holds it: no replica lag in the way of the assertion. */
  private OrderView view(String key) throws Exception {
    return bridges.get(0).lastMessage(Topology.kvStream(Topology.ORDERS_VIEW), "$KV." + Topology.ORDERS_VIEW.name() + "." + key)
        .await(10, TimeUnit.SECONDS)
        .map(m -> OrderProjection.fromJson(new JsonObject(Buffer.buffer(m.getData()))))
        .orElse(null);
  }

  private static String metricKey(Event outcome) {
    return switch (outcome) {
      case Event.OrderConfirmed c -> "confirmed/" + OrderMetrics.NO_REASON;
      case Event.OrderCancelled c -> "cancelled/" + c.reason().name().toLowerCase(Locale.ROOT);
      default -> "other/" + outcome.getClass().getSimpleName();
    };
  }

  private Map<String, Double> endedCounts() {
    Map<String, Double> counts = new HashMap<>();
    for (MeterRegistry r : registries) {
      for (Counter c : r.find("orders.ended").counters()) {
        if (c.count() > 0) counts.merge(c.getId().getTag("status") + "/" + c.getId().getTag("reason"), c.count(), Double::sum);
      }
    }
    return new TreeMap<>(counts);
  }
}
