package io.orderflow.notifications.mail;

import io.orderflow.notifications.domain.Mail;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Sends plain-text mails through one SMTP relay, keeping connections pooled between mails. */
public final class SmtpMailer {
  private final MailClient client;
  private final String from;

  public SmtpMailer(Vertx vertx, String host, int port, StartTLSOptions starttls, Duration timeout, String from) {
    int millis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
    MailConfig config = new MailConfig()
        .setHostname(host)
        .setPort(port)
        .setStarttls(starttls)
        .setLogin(LoginOption.DISABLED);
    // A relay that does not answer must fail the send well before the consumer's ack wait, or the
    // redelivered event would be sent by a second attempt while the first still hangs.
    config.setConnectTimeout(millis);
    config.setIdleTimeout(millis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    this.client = MailClient.create(vertx, config);
    this.from = from;
  }

  /** Completes when the relay accepted the mail for delivery. */
  public Future<Void> send(String to, Mail mail) {
    MailMessage message = new MailMessage()
        .setFrom(from)
        .setTo(to)
        .setSubject(mail.subject())
        .setText(mail.body())
        .addHeader("Message-ID", mail.messageId());
    return client.sendMail(message).mapEmpty();
  }

  public Future<Void> close() {
    return client.close();
  }
}
