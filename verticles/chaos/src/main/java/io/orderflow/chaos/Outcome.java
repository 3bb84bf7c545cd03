package io.orderflow.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a scenario measured and every check that failed; renders the one-line result. */
final class Outcome {
  final String scenario;
  long accepted;
  long confirmed;
  long cancelled;
  long lost;
  long doubleCharged;
  long oversold;
  long dlq;
  long redelivered;
  long maxBacklog;
  double drainSeconds;
  double tookSeconds;
  /** Scenario-specific figures, appended to the result line as key=value in insertion order. */
  final java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
  final List<String> failures = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  Outcome(String scenario) {
    this.scenario = scenario;
  }

  void fail(String why) {
    failures.add(why);
  }

  void check(boolean ok, String whyNot) {
    if (!ok) fail(whyNot);
  }

  void note(String what) {
    notes.add(what);
  }

  boolean passed() {
    return failures.isEmpty();
  }

  String line() {
    StringBuilder more = new StringBuilder();
    extra.forEach((k, v) -> more.append(' ').append(k).append('=').append(v));
    return lineWithoutExtra() + more;
  }

  private String lineWithoutExtra() {
    return String.format(Locale.ROOT,
        "scenario=%s result=%s accepted=%d confirmed=%d cancelled=%d lost=%d double_charged=%d oversold=%d dlq=%d redelivered=%d max_backlog=%d drain_s=%.1f",
        scenario, passed() ? "PASS" : "FAIL", accepted, confirmed, cancelled, lost, doubleCharged, oversold, dlq, redelivered,
        maxBacklog, drainSeconds);
  }
}
