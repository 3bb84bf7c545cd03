package io.orderflow.runtime.security;

import java.util.Locale;
import java.util.Optional;

/** What a token's {@code roles} claim may grant. */
public enum Role {
  /** Places and reads the orders of its own customer id (the token's subject). */
  CUSTOMER,
  /** Everything: any customer's orders, stock and prices, the audit log, dead letters. */
  ADMIN,
  /** Reads the audit log, nothing else beyond what any valid token may read. */
  AUDITOR;

  public String claim() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromClaim(String claim) {
    for (Role r : values()) if (r.claim().equals(claim)) return Optional.of(r);
    return Optional.empty();
  }
}
