package io.orderflow.launcher;

import io.orderflow.audit.AuditService;
import io.orderflow.inventory.InventoryService;
import io.orderflow.notifications.NotificationsService;
import io.orderflow.orders.OrdersService;
import io.orderflow.payments.PaymentsService;
import io.orderflow.runtime.OrderflowService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The services a process can run, by name. */
public final class Services {
  private static final Map<String, Supplier<OrderflowService>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("orders", OrdersService::new);
    ALL.put("inventory", InventoryService::new);
    ALL.put("payments", PaymentsService::new);
    ALL.put("notifications", NotificationsService::new);
    ALL.put("audit", AuditService::new);
  }

  /** Every service's name, in start order. */
  public static final List<String> NAMES = List.copyOf(ALL.keySet());

  private Services() {}

  /** {@code all} or a comma-separated list of names; unknown names fail with the list of known ones. */
  public static List<OrderflowService> parse(String list) {
    List<OrderflowService> out = new ArrayList<>();
    for (String name : list.split(",")) {
      String n = name.trim();
      if (n.equals("all")) {
        ALL.values().forEach(s -> out.add(s.get()));
      } else if (ALL.containsKey(n)) {
        out.add(ALL.get(n).get());
      } else {
        throw new IllegalArgumentException("unknown service '" + n + "'; known: all, " + String.join(", ", ALL.keySet()));
      }
    }
    return out;
  }
}
