package io.orderflow.chaos;

import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One scenario's world and the steps every scenario shares: deploy, stock the catalog, drive load, wait for
 * work in flight before a fault, mark the heal, then settle the load, wait for quiet and check I1-I5.
 */
final class Run implements AutoCloseable {
  static final String VISA = "tok_visa";
  static final String DECLINED = "tok_chargeDeclined";
  /** The test tokens psp-sim knows; any other is refused as malformed or unknown (400 invalid-payment-token). */
  static final java.util.Set<String> KNOWN_TOKENS = java.util.Set.of(VISA, DECLINED, "tok_chargeDeclinedInsufficientFunds");
  static final long PRICE_CENTS = 1250;

  final String name;
  final Timings t;
  final Outcome out;
  final Supervisor sup;
  final Http http = new Http();
  final Launch launch;
  final Map<String, Integer> stockSet = new LinkedHashMap<>();
  Deployment d;
  /** The bearer tokens of this run's calls, signed with the deployment's key (set by {@link #deploy}). */
  Tokens tokens;
  Broker broker;
  LoadGenerator load;
  final List<LoadGenerator> loads = new java.util.ArrayList<>();
  Sampler sampler;
  Instant healedAt;
  /** Gateway scenarios: I5 applies. */
  boolean gateway;
  /** Orders may end OUT_OF_STOCK (hot-sku). */
  boolean stockMayRunOut;
  /** Dead letters the scenario itself caused (poison events); any other is a failure. */
  long expectedDeadLetters;
  /**
   * Messages the scenario put into event streams that are no events (poison), by stream and sequence: audit
   * cannot log them, so I4 expects one entry per event-stream message except these (while they are stored).
   */
  final java.util.Set<Broker.Stored> poison = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Orders a saga consumer dead-lettered an event of: they may end PROCESSING_FAILED (I1), the others may not. */
  final java.util.Set<String> mayFail = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Order ids the scenario put on the bus itself (poison): not client orders. */
  final java.util.Set<String> injectedIds = new java.util.HashSet<>();
  /** Accepted orders the scenario had dead-lettered on purpose: they, and only they, end PROCESSING_FAILED. */
  final java.util.Set<String> failedOnPurpose = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Check that no order got two mails (scenarios without kill -9 of notifications). */
  boolean exactlyOnceMail;
  private int loadCount;

  Run(String name, Timings t, Launch launch, java.nio.file.Path dir) throws Exception {
    this.name = name;
    this.t = t;
    this.launch = launch;
    this.out = new Outcome(name);
    this.sup = new Supervisor(dir);
  }

  /** Work on the provisioned broker before the services start (the bench's history); null: none. */
  Deployment.BeforeServices beforeServices;
  /**
   * Units sold per SKU by orders no client of this run placed (the bench's history, written straight to the
   * streams): I3 counts them in {@code sold} besides the confirmed lines of the client's orders.
   */
  final Map<String, Long> soldBefore = new java.util.concurrent.ConcurrentHashMap<>();

  Run deploy(Deployment.Spec spec) throws Exception {
    d = Deployment.start(sup, launch, http, spec, t.env(), beforeServices);
    tokens = new Tokens(d.devKeys);
    broker = Broker.connect(d.nats.urls());
    return this;
  }

  /** A system this harness did not start itself (the rehearsal's {@code run}): its view, and a broker connection. */
  Run attach(Deployment view, Broker broker) {
    d = view;
    tokens = new Tokens(view.devKeys);
    this.broker = broker;
    return this;
  }

  /**
   * Attaches to a system {@code ./orderflow run} started with {@code secrets} in {@code data}: its psp-sim (with
   * the admin secret), its mail folder, the development key its services trust, the broker as the ops identity.
   */
  Run attachToLocalRun(Path data, Map<String, String> secrets, io.orderflow.runtime.security.DevKeys keys, String pspUrl, String natsUrls,
                       List<Deployment.Instance> instances) throws IOException, InterruptedException {
    return attach(Deployment.attached(sup, launch, http, pspUrl, "Bearer " + secrets.get(LocalSecrets.PSP_ADMIN), data.resolve("mail"), keys,
        instances), Broker.connectAs(natsUrls, io.orderflow.runtime.nats.NatsIdentities.OPS, secrets.get("ORDERFLOW_NATS_OPS_PASSWORD")));
  }

  /** Five SKUs with more stock than any run sells. */
  void ampleStock() throws Exception {
    Map<String, Integer> skus = new LinkedHashMap<>();
    for (int i = 1; i <= 5; i++) skus.put("CHAOS-" + i, 1_000_000);
    stock(skus);
  }

  /** Deploys, stocks, starts the standard load and lets it run until work flows. */
  void standardStart(Deployment.Spec spec) throws Exception {
    deploy(spec);
    ampleStock();
    standardLoad();
    awaitAccepted((long) (t.rate() * t.warmup().toSeconds() / 2), t.warmup().multipliedBy(4));
    during(t.warmup().dividedBy(2));
  }

  /** Sets stock and price of SKUs (a set, not an add). */
  void stock(Map<String, Integer> skus) throws Exception {
    for (var e : skus.entrySet()) {
      String body = new JsonObject().put("priceCents", PRICE_CENTS).put("available", e.getValue()).encode();
      Wait.until("PUT /inventory/" + e.getKey(), Duration.ofSeconds(30), () -> {
        var r = http.send("PUT", d.api("inventory") + "/inventory/" + e.getKey(), body, tokens.admin());
        if (r.status() >= 400 && r.status() < 500) throw new IllegalStateException("PUT /inventory answered " + r.status() + ": " + r.body());
        return r.status() / 100 == 2;
      });
      stockSet.put(e.getKey(), e.getValue());
    }
    // Orders reads prices from the catalog bucket: wait until an order can see every SKU.
  }

  /** The standard mix: 1-2 lines of 1-3 units over the stocked SKUs, 90 % tok_visa, 10 % declined. */
  LoadGenerator standardLoad() {
    List<String> skus = List.copyOf(stockSet.keySet());
    Random random = new Random(name.hashCode());
    return startLoad(t.rate(), 0, n -> {
      Map<String, Integer> items = new LinkedHashMap<>();
      int lines;
      String token;
      synchronized (random) {
        lines = 1 + random.nextInt(2);
        for (int i = 0; i < lines; i++) items.merge(skus.get(random.nextInt(skus.size())), 1 + random.nextInt(3), Integer::sum);
        token = random.nextInt(10) == 0 ? DECLINED : VISA;
      }
      return new LoadGenerator.OrderSpec("c-" + (n % 17), items, token);
    });
  }

  /** A token psp-sim refuses as malformed or unknown: the order must end CANCELLED / PAYMENT_INVALID. */
  static String badToken(Random random) {
    return "tok_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "_not_a_card";
  }

  static boolean isBadToken(String token) {
    return !KNOWN_TOKENS.contains(token);
  }

  LoadGenerator startLoad(double rate, int limit, java.util.function.IntFunction<LoadGenerator.OrderSpec> orders) {
    return startLoad(rate, limit, orders, o -> {});
  }

  /** A load whose every order first runs {@code before} (e.g. to prepare something under its known id). */
  LoadGenerator startLoad(double rate, int limit, java.util.function.IntFunction<LoadGenerator.OrderSpec> orders,
                          java.util.function.Consumer<LoadGenerator.Order> before) {
    String prefix = name + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" + (loadCount++);
    load = new LoadGenerator(http, tokens, () -> d.orderApis(), rate, orders, limit, prefix, t.clientRetry()).beforeFirstAttempt(before);
    loads.add(load);
    if (sampler == null) sampler = Sampler.start(broker, focus());
    load.start();
    return load;
  }

  private List<Topology.ConsumerSpec> focus() {
    return Topology.EVENT_CONSUMERS;
  }

  /** Orders a client other than the chaos load generator sent (the bench's). */
  java.util.function.Supplier<List<LoadGenerator.Order>> otherOrders = List::of;

  /** Every order of every load of this run. */
  List<LoadGenerator.Order> orders() {
    return java.util.stream.Stream.concat(loads.stream().flatMap(l -> l.all.stream()), otherOrders.get().stream()).toList();
  }

  /** Waits until at least {@code n} orders were accepted. */
  void awaitAccepted(long n, Duration timeout) throws Exception {
    Wait.until(n + " orders accepted", timeout, () -> load.accepted() >= n);
  }

  /** Waits until the consumer has delivered-but-unacknowledged messages: work is in flight. */
  void awaitInFlight(Topology.ConsumerSpec c, Duration timeout) throws Exception {
    Wait.until(c.durable() + " has unacknowledged messages", timeout, Duration.ofMillis(20),
        () -> broker.consumer(c).getNumAckPending() > 0);
  }

  /** Lets the load run for a while (the fault lasts, or the system works under load). */
  void during(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis()); // a fault's duration, not a stand-in for a condition
  }

  void healed() {
    healedAt = Instant.now();
  }

  /**
   * Stops the load and waits until every submitted order is answered and every accepted one is terminal,
   * with nothing left on any consumer; false (with the reason recorded as a failure) when it did not get quiet.
   */
  boolean settle() throws Exception {
    stopLoads();
    return new Invariants(this).awaitQuiet(t.quietTimeout());
  }

  private void stopLoads() throws Exception {
    for (LoadGenerator l : loads) l.stop();
    for (LoadGenerator l : loads) {
      l.awaitSettled(t.clientRetry().plusSeconds(30));
      l.resolveGaveUp(Duration.ofSeconds(60));
    }
  }

  /** Stops the load and waits until every accepted order is terminal, then checks the invariants. */
  Invariants finish() throws Exception {
    stopLoads();
    Instant from = healedAt != null ? healedAt : Instant.now();
    Invariants inv = new Invariants(this);
    inv.awaitQuiet(t.quietTimeout());
    out.drainSeconds = Duration.between(from, Instant.now()).toMillis() / 1000.0;
    if (sampler != null) out.maxBacklog = sampler.stop();
    inv.check();
    return inv;
  }

  @Override
  public void close() throws Exception {
    for (LoadGenerator l : loads) l.close();
    if (sampler != null) sampler.stop();
    if (broker != null) broker.close();
    if (tokens != null) tokens.close();
    sup.close();
  }
}
