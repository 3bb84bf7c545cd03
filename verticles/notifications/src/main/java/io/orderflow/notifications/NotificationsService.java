package io.orderflow.notifications;

import io.orderflow.notifications.mail.SmtpMailer;
import io.orderflow.runtime.OrderflowService;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.util.List;

/**
 * Notifications: tells the customer by mail how their order ended (confirmed, or cancelled and why) and
 * records each notification as NotificationSent. Events never carry the address; it is read from the
 * order's short-lived contact hand-off (CONTACTS stream, per-message TTL) that orders writes with the order,
 * so deleting that one message erases it everywhere.
 */
public final class NotificationsService implements OrderflowService {
  @Override
  public String name() {
    return "notifications";
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    NotificationsConfig config;
    try {
      config = NotificationsConfig.from(ctx.settings());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    ctx.requires(List.of(Topology.ORDERS, Topology.NOTIFICATIONS, Topology.CONTACTS), List.of(Topology.NOTIFICATIONS_ENDED),
        List.of());
    var mailer = new SmtpMailer(config.smtpHost(), config.smtpPort(), config.starttls(), config.smtpTimeout(),
        config.from());
    return ctx.vertx().deployVerticle(mailer)
        .compose(id -> ctx.consume(Topology.NOTIFICATIONS_ENDED, new OrderEndedHandler(ctx.bridge(), mailer)))
        .mapEmpty();
  }
}
