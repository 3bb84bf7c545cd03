package io.orderflow.runtime;

import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash points for fault injection: when armed, {@link #hit()} makes the process die at that point, as a
 * kill -9 would. Only a jar that holds a {@link Arming} (the development jar's chaos harness: the variable
 * {@code ORDERFLOW_FAILPOINT}) can arm one; the production jar has none, so there a failpoint is one
 * comparison with null.
 */
public enum Failpoint {
  /** Orders: the broker acknowledged OrderPlaced, the HTTP reply has not been sent. */
  AFTER_PUBLISH_ACK("after-publish-ack");

  /** Says which failpoint, if any, is armed in this process; found with {@link ServiceLoader}. */
  public interface Arming {
    Optional<String> armed();
  }

  private static final Logger LOG = LoggerFactory.getLogger(Failpoint.class);
  private static final String ACTIVE = ServiceLoader.load(Arming.class).findFirst().flatMap(Arming::armed).orElse(null);

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
