package io.orderflow.notifications;

import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Subjects;
import io.orderflow.notifications.domain.Mail;
import io.orderflow.notifications.domain.MailTemplates;
import io.orderflow.notifications.mail.SmtpMailer;
import io.orderflow.runtime.messaging.Delivery;
import io.orderflow.runtime.messaging.EventHandler;
import io.orderflow.runtime.messaging.HandOffs;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails the customer once an order ended (confirmed or cancelled) and records it as NotificationSent.
 * The NOTIFICATIONS stream's event for the order is the record: when it exists, a redelivered or duplicated
 * event sends nothing. Delivery is at-least-once only across a crash between the SMTP hand-off and the
 * publish (the mail is then sent again, with the same Message-ID, so a receiver can recognise it).
 * The address comes from its short-lived hand-off (the CONTACTS stream, read from its leader, so never
 * missed because a follower lags); when it has expired or was erased, no mail is
 * sent and NotificationSent records template {@value MailTemplates#SKIPPED_NO_CONTACT}, so the audit still
 * shows the notification step as completed. Addresses are personal data and are never logged.
 */
final class OrderEndedHandler implements EventHandler {
  private static final long OUTAGE_RETRY_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(OrderEndedHandler.class);

  private final JetStreamBridge bridge;
  private final SmtpMailer mailer;
  private final HandOffs handOffs;

  OrderEndedHandler(JetStreamBridge bridge, SmtpMailer mailer) {
    this.bridge = bridge;
    this.handOffs = new HandOffs(bridge);
    this.mailer = mailer;
  }

  @Override
  public Future<Void> handle(Delivery delivery) {
    Envelope trigger = delivery.event();
    if (!(trigger.data() instanceof Event.OrderConfirmed || trigger.data() instanceof Event.OrderCancelled)) {
      LOG.warn("ignoring {} {}: notifications reacts to ended orders only", trigger.type(), trigger.id());
      return Future.succeededFuture();
    }
    String order = trigger.subject();
    Mail mail = MailTemplates.render(trigger.data());
    return bridge.lastEvent(Topology.NOTIFICATIONS, Subjects.NOTIFICATIONS + "." + order)
        .compose(record -> alreadySent(record, order, delivery)
            ? Future.succeededFuture()
            : handOffs.contact(order, requestHash(trigger.data()))
                .compose(contact -> deliver(order, contact, mail, delivery))
                .compose(sent -> publish(sent, delivery)));
  }

  private static String requestHash(Event ended) {
    return switch (ended) {
      case Event.OrderConfirmed c -> c.requestHash();
      case Event.OrderCancelled c -> c.requestHash();
      default -> null;
    };
  }

  private static boolean alreadySent(Optional<StoredEvent> record, String order, Delivery delivery) {
    boolean sent = record.filter(StoredEvent::ok).map(e -> e.envelope().data() instanceof Event.NotificationSent).orElse(false);
    if (sent) delivery.withLogContext(() -> LOG.info("order {}: notification already sent (event {}), not sending again", order,
        record.get().envelope().id()));
    return sent;
  }

  private Future<Event.NotificationSent> deliver(String order, Optional<byte[]> contact, Mail mail, Delivery delivery) {
    Optional<String> address = contact.map(bytes -> new String(bytes, StandardCharsets.UTF_8).trim()).filter(a -> !a.isEmpty());
    if (address.isEmpty()) {
      delivery.withLogContext(() -> LOG.info("order {}: no contact address (hand-off expired or erased), {} mail not sent", order,
          mail.template()));
      return Future.succeededFuture(
          new Event.NotificationSent(order, MailTemplates.SKIPPED_NO_CONTACT, MailTemplates.NO_MESSAGE));
    }
    return mailer.send(address.get(), mail)
        .recover(e -> permanent(e) ? Future.failedFuture(e)
            : Future.failedFuture(new RetryLater("mail server unavailable: " + e.getMessage(), OUTAGE_RETRY_MILLIS)))
        .map(v -> new Event.NotificationSent(order, mail.template(), mail.messageId()));
  }

  /**
   * A mail server that refuses the message for good (5xx) is the message's problem: retried, then
   * dead-lettered. Anything else (connection refused, timeout, 4xx) is an outage: the event waits.
   */
  private static boolean permanent(Throwable e) {
    return e instanceof io.vertx.ext.mail.SMTPException smtp && smtp.isPermanent();
  }

  private Future<Void> publish(Event.NotificationSent sent, Delivery trigger) {
    Envelope event = Envelope.of(sent, Instant.now(), trigger.cause());
    return bridge.publish(event)
        .onSuccess(ack -> trigger.withLogContext(() -> LOG.info("order {}: {} {} (event {})", sent.orderId(), sent.template(),
            sent.messageId(), event.id())))
        .mapEmpty();
  }
}
