package io.orderflow.runtime.security;

import java.util.Set;

/** Who sent a request, as its verified token says: the subject (a customer id for customers) and the roles. */
public record Caller(String subject, Set<Role> roles) {
  public Caller {
    roles = Set.copyOf(roles);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean isAdmin() {
    return has(Role.ADMIN);
  }

  /** May read what belongs to {@code customerId}: that customer, or an admin. */
  public boolean mayRead(String customerId) {
    return isAdmin() || (has(Role.CUSTOMER) && subject.equals(customerId));
  }

  /** May place an order for {@code customerId}: that customer, or an admin (a back office taking an order by phone). */
  public boolean mayPlaceFor(String customerId) {
    return mayRead(customerId);
  }
}
