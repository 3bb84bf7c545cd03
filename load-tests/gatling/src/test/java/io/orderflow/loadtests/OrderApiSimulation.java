package io.orderflow.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAsDuring;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order API under an open load: arrivals ramp up to {@code rate} orders per second, then hold it.
 * Each session places one order (90 % paid, 5 % declined, 5 % out of stock) with its own
 * Idempotency-Key; {@code pollPercent} of them then read {@code GET /orders/{id}} until the order has
 * ended, and check it ended as its kind must. Every request carries the bearer token of the order's customer
 * ({@link Credentials}). Settings: {@link LoadSettings}.
 */
public class OrderApiSimulation extends Simulation {
  private static final Logger log = LoggerFactory.getLogger(OrderApiSimulation.class);
  private static final int CUSTOMERS = 10_000;
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  private final LoadSettings settings = LoadSettings.fromSystemProperties();
  private final Catalog catalog = new Catalog(settings.skus());
  private final Credentials credentials = Credentials.from(settings);

  {
    var orders = scenario("orders").randomSwitch().on(
        Arrays.stream(OrderFlow.values()).map(flow -> percent(flow.percent).then(order(flow))).toList());
    setUp(orders.injectOpen(arrivals()))
        .protocols(protocol())
        .assertions(
            global().responseTime().percentile(99.0).lte(settings.p99Ms()),
            global().failedRequests().percent().lte(settings.maxErrorPercent()));
  }

  @Override
  public void before() {
    log.info("orderflow load: {} orders/s after a {} s ramp, for {} s, against {}; stocking {} SKUs at {}",
        settings.rate(), settings.rampSeconds(), settings.durationSeconds(), settings.baseUrl(),
        settings.skus() + 1, settings.inventoryUrl());
    log.info("orderflow load: credentials: {}", credentials.describe());
    credentials.admin().ifPresentOrElse(
        admin -> new CatalogStocker(settings.inventoryUrl(), admin).stock(catalog.items()),
        () -> log.warn("orderflow load: NOT stocking the catalog: PUT /inventory needs an admin token (-DadminToken, or -DdevKeyDir "
            + "to sign one); the {} LT-* SKUs must already be stocked, or every order ends OUT_OF_STOCK", settings.skus() + 1));
  }

  private HttpProtocolBuilder protocol() {
    var protocol = http.baseUrl(settings.baseUrl())
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        // Clients of an order API are a few backends with connection pools, not a browser per order.
        .shareConnections()
        .disableCaching()
        // Gatling's default warm-up request goes to gatling.io; this one stays on the system under test (it
        // carries no token, so it is answered 401: enough to open a connection, and not counted).
        .warmUp(settings.inventoryUrl() + "/inventory/" + Catalog.SOLD_OUT_SKU);
    return protocol;
  }

  private List<OpenInjectionStep> arrivals() {
    var steps = new ArrayList<OpenInjectionStep>();
    if (settings.rampSeconds() > 0) {
      steps.add(rampUsersPerSec(Math.min(1, settings.rate())).to(settings.rate()).during(settings.rampSeconds()));
    }
    steps.add(constantUsersPerSec(settings.rate()).during(settings.durationSeconds()));
    return steps;
  }

  private ChainBuilder order(OrderFlow flow) {
    return exec(session -> newOrder(session, flow))
        .exec(http("POST /orders " + flow.label).post("/orders")
            .header("Authorization", "#{authorization}")
            .header("Idempotency-Key", "#{idempotencyKey}")
            .body(StringBody("#{orderBody}"))
            .check(status().is(202), header("Location").exists(), jsonPath("$.status").is(OrderFlow.PENDING),
                jsonPath("$.orderId").saveAs("orderId")))
        .exitHereIfFailed()
        .doIf(session -> session.getBoolean("poll")).then(untilEnded());
  }

  private Session newOrder(Session session, OrderFlow flow) {
    var random = ThreadLocalRandom.current();
    String customerId = credentials.customerId("lt-c-" + random.nextInt(CUSTOMERS));
    return session.setAll(Map.of(
        "idempotencyKey", "lt-" + UUID.randomUUID(),
        // The customer's own token, for placing the order and reading it back.
        "authorization", credentials.customer(customerId),
        "orderBody", flow.requestBody(customerId, flow.lines(catalog, random)),
        "expectedOutcome", flow.expectedOutcome,
        "outcome", OrderFlow.PENDING,
        "poll", random.nextDouble() * 100 < settings.pollPercent()));
  }

  /** Reads the order until it has ended (checking how), or fails it after pollTimeoutSeconds. */
  private ChainBuilder untilEnded() {
    int timeout = settings.pollTimeoutSeconds();
    return asLongAsDuring(OrderApiSimulation::pending, Duration.ofSeconds(timeout)).on(
            pause(POLL_INTERVAL)
                .exec(http("GET /orders/{id}").get("/orders/#{orderId}").header("Authorization", "#{authorization}")
                    .check(status().is(200), outcome(true))))
        .doIf(OrderApiSimulation::pending).then(
            exec(http("GET /orders/{id} after " + timeout + " s").get("/orders/#{orderId}").header("Authorization", "#{authorization}")
                .check(status().is(200), outcome(false))));
  }

  private static boolean pending(Session session) {
    return !session.isFailed() && OrderFlow.PENDING.equals(session.getString("outcome"));
  }

  /** The order is still pending (when allowed) or has ended as its kind must: {@code CONFIRMED}, {@code CANCELLED/OUT_OF_STOCK}, ... */
  private static CheckBuilder outcome(boolean pendingAllowed) {
    return jsonPath("$").ofMap().find().transform(OrderFlow::outcome)
        .in(session -> pendingAllowed
            ? List.of(OrderFlow.PENDING, session.getString("expectedOutcome"))
            : List.of(session.getString("expectedOutcome")))
        .saveAs("outcome");
  }
}
