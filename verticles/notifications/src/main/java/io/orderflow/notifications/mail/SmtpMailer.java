package io.orderflow.notifications.mail;

import io.orderflow.notifications.domain.Mail;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends plain-text mails through one SMTP relay, keeping connections pooled between mails. A verticle on
 * an event loop, because vertx-mail-client 5.0.7 loses or garbles the server's greeting when its socket
 * handlers run on a worker context (the consumer's): every SMTP conversation runs on this verticle's
 * event loop, and the result is handed back on the caller's context.
 */
public final class SmtpMailer extends VerticleBase {
  private final MailConfig config;
  private final String from;
  private MailClient client;

  public SmtpMailer(String host, int port, StartTLSOptions starttls, Duration timeout, String from) {
    int millis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
    this.config = new MailConfig().setHostname(host).setPort(port).setStarttls(starttls).setLogin(LoginOption.DISABLED);
    // A relay that does not answer must fail the send well before the consumer's ack wait, or the
    // redelivered event would be sent by a second attempt while the first still hangs.
    config.setConnectTimeout(millis);
    config.setIdleTimeout(millis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    this.from = from;
  }

  @Override
  public Future<?> start() {
    client = MailClient.create(vertx, config);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  /** Completes, on the caller's context, when the relay accepted the mail for delivery. */
  public Future<Void> send(String to, Mail mail) {
    MailMessage message = new MailMessage()
        .setFrom(from)
        .setTo(to)
        .setSubject(mail.subject())
        .setText(mail.body())
        .addHeader("Message-ID", mail.messageId());
    Context caller = Vertx.currentContext();
    Promise<Void> sent = Promise.promise();
    context.runOnContext(v -> client.sendMail(message).<Void>mapEmpty().onComplete(result -> {
      if (caller == null) sent.handle(result);
      else caller.runOnContext(x -> sent.handle(result));
    }));
    return sent.future();
  }
}
