package io.orderflow.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only crash points for fault injection: {@code ORDERFLOW_FAILPOINT=after-publish-ack} makes the
 * process die at that point, as a kill -9 would. Unset (always, in production) they cost one comparison.
 */
public enum Failpoint {
  /** Orders: the broker acknowledged OrderPlaced, the HTTP reply has not been sent. */
  AFTER_PUBLISH_ACK("after-publish-ack");

  private static final Logger LOG = LoggerFactory.getLogger(Failpoint.class);
  private static final String ACTIVE = System.getenv("ORDERFLOW_FAILPOINT");

  private final String name;

  Failpoint(String name) {
    this.name = name;
  }

  public void hit() {
    if (name.equals(ACTIVE)) {
      LOG.error("failpoint {} reached: halting the process", name);
      Runtime.getRuntime().halt(137);
    }
  }
}
