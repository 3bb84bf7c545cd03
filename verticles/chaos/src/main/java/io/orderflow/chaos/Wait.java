package io.orderflow.chaos;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes: no sleeping and hoping. */
final class Wait {
  private Wait() {}

  static final class TimedOut extends Exception {
    TimedOut(String what, Duration timeout, Exception last) {
      super(what + ": not reached within " + timeout.toSeconds() + "s" + (last == null ? "" : " (last error: " + last + ")"));
    }
  }

  static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
    until(what, timeout, Duration.ofMillis(200), condition);
  }

  static void until(String what, Duration timeout, Duration every, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (condition.call()) return;
        last = null;
      } catch (IllegalStateException e) {
        throw e; // a precondition broke (a process died): waiting longer will not help
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) throw new TimedOut(what, timeout, last);
      Thread.sleep(every.toMillis());
    }
  }
}
