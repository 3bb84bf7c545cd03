package io.orderflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackoffTest {
  final Vertx vertx = Vertx.vertx();
  final Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(40));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void delaysGrowFromHalfTheBaseUpToTheCap() {
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.after(1).toMillis()).isBetween(5L, 10L);
      assertThat(backoff.after(2).toMillis()).isBetween(10L, 20L);
      assertThat(backoff.after(30).toMillis()).isBetween(20L, 40L);
    }
  }

  @Test
  void retriesAFailingAttemptUntilItSucceedsReportingEachFailure() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    List<Duration> reported = new ArrayList<>();
    boolean started = backoff.retry(vertx,
        () -> attempts.incrementAndGet() < 4 ? Future.failedFuture("broker out") : Future.succeededFuture(),
        () -> true, (e, delay) -> reported.add(delay)).await(5, TimeUnit.SECONDS);

    assertThat(started).isTrue();
    assertThat(attempts).hasValue(4);
    assertThat(reported).hasSize(3);
  }

  @Test
  void stopsRetryingOnceItShouldNotCarryOn() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean carryOn = new AtomicBoolean(true);
    boolean started = backoff.retry(vertx, () -> {
      if (attempts.incrementAndGet() == 3) carryOn.set(false);
      return Future.failedFuture("broker out");
    }, carryOn::get, (e, delay) -> {}).await(5, TimeUnit.SECONDS);

    assertThat(started).isFalse();
    assertThat(attempts).hasValue(3);
  }
}
