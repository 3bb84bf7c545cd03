package io.orderflow.chaos;

import io.orderflow.runtime.Failpoint;
import java.util.Optional;

/** Arms the failpoint named by {@code ORDERFLOW_FAILPOINT}: in the development jar only, for the chaos scenarios. */
public final class EnvFailpointArming implements Failpoint.Arming {
  @Override
  public Optional<String> armed() {
    return Optional.ofNullable(System.getenv("ORDERFLOW_FAILPOINT")).filter(s -> !s.isBlank());
  }
}
