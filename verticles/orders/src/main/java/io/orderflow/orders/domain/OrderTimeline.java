package io.orderflow.orders.domain;

import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One order's story from its events (in causal order): each step with the time since the one before, and
 * what the order still waits for, named by the service that must act and the event it acts on. A stuck order
 * shows the step it stopped at; a finished one waits for nothing.
 */
public final class OrderTimeline {
  /** A step that happened: the event, and how long after the previous step and after the order was placed. */
  public record Step(Envelope event, Duration sincePrevious, Duration sincePlaced, String summary) {}

  /** A step that has not happened yet: {@code service} must {@code action} in reaction to {@code after}. */
  public record Expected(String service, String action, Envelope after) {}

  private final List<Step> steps;
  private final List<Expected> expected;

  private OrderTimeline(List<Step> steps, List<Expected> expected) {
    this.steps = steps;
    this.expected = expected;
  }

  /** The timeline of an order's events in causal order (the first is its OrderPlaced); empty events: no order. */
  public static Optional<OrderTimeline> of(List<Envelope> causalOrder) {
    if (causalOrder.isEmpty() || !(causalOrder.get(0).data() instanceof Event.OrderPlaced)) return Optional.empty();
    List<Step> steps = new ArrayList<>();
    Envelope placed = causalOrder.get(0);
    Envelope previous = placed;
    for (Envelope e : causalOrder) {
      steps.add(new Step(e, nonNegative(Duration.between(previous.time(), e.time())),
          nonNegative(Duration.between(placed.time(), e.time())), summary(e.data())));
      previous = e;
    }
    return Optional.of(new OrderTimeline(List.copyOf(steps), expected(causalOrder)));
  }

  public List<Step> steps() {
    return steps;
  }

  public List<Expected> expected() {
    return expected;
  }

  /** True when no step is outstanding: ended, stock settled, customer notified, a charge taken back if due. */
  public boolean complete() {
    return expected.isEmpty();
  }

  private static List<Expected> expected(List<Envelope> events) {
    Map<EventType, Envelope> seen = new EnumMap<>(EventType.class);
    for (Envelope e : events) seen.putIfAbsent(e.type(), e);
    Envelope ended = first(seen, EventType.ORDER_CONFIRMED, EventType.ORDER_CANCELLED);
    List<Expected> out = new ArrayList<>();
    if (ended == null) {
      Envelope payment = first(seen, EventType.PAYMENT_AUTHORIZED, EventType.PAYMENT_DECLINED);
      if (seen.containsKey(EventType.STOCK_REJECTED)) out.add(new Expected("orders", "cancel the order (out of stock)", seen.get(EventType.STOCK_REJECTED)));
      else if (payment != null) out.add(new Expected("orders", "end the order on the payment decision", payment));
      else if (seen.containsKey(EventType.STOCK_RESERVED)) out.add(new Expected("payments", "charge the payment", seen.get(EventType.STOCK_RESERVED)));
      else out.add(new Expected("inventory", "reserve the stock", seen.get(EventType.ORDER_PLACED)));
      return out;
    }
    if (seen.containsKey(EventType.STOCK_RESERVED) && first(seen, EventType.STOCK_COMMITTED, EventType.STOCK_RELEASED) == null) {
      out.add(new Expected("inventory", ended.type() == EventType.ORDER_CONFIRMED ? "sell the reserved stock" : "release the reserved stock", ended));
    }
    if (!seen.containsKey(EventType.NOTIFICATION_SENT)) out.add(new Expected("notifications", "mail the customer", ended));
    if (ended.data() instanceof Event.OrderCancelled c && c.reason() == CancelReason.PROCESSING_FAILED
        && seen.containsKey(EventType.PAYMENT_AUTHORIZED) && !seen.containsKey(EventType.PAYMENT_VOIDED)) {
      out.add(new Expected("payments", "void the charge", ended));
    }
    return out;
  }

  private static Envelope first(Map<EventType, Envelope> seen, EventType a, EventType b) {
    return seen.containsKey(a) ? seen.get(a) : seen.get(b);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** One line an operator reads: what the step did. */
  static String summary(Event e) {
    return switch (e) {
      case Event.OrderPlaced p -> "placed: " + p.lines().size() + " line(s), " + p.totalCents() + " " + p.currency();
      case Event.StockReserved r -> "stock reserved: " + r.lines().size() + " line(s)";
      case Event.StockRejected r -> "stock rejected: " + r.sku() + " requested " + r.requested() + ", available " + r.available();
      case Event.PaymentAuthorized a -> "charged " + a.amountCents() + " " + a.currency() + " (" + a.chargeId() + ")";
      case Event.PaymentDeclined d -> "payment declined: " + d.declineCode();
      case Event.OrderConfirmed c -> "confirmed";
      case Event.OrderCancelled c -> "cancelled: " + c.reason() + (c.detail() == null ? "" : " (" + c.detail() + ")");
      case Event.StockCommitted c -> "stock sold";
      case Event.StockReleased r -> "stock released";
      case Event.PaymentVoided v -> "charge voided: " + v.chargeId();
      case Event.NotificationSent n -> "mail " + n.template();
      case Event.StockSet s -> "stock set";
      case Event.BreakerChanged b -> "breaker " + b.breaker() + " " + b.state();
      case Event.OperatorAction o -> o.action() + " by " + o.actor();
    };
  }
}
