package io.orderflow.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.nats.client.Connection;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import io.orderflow.codecs.CancelReason;
import io.orderflow.codecs.Envelope;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.EventCodec;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.telemetry.Tracing;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.LoopbackPorts;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.ServiceContext;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.StoredEvent;
import io.orderflow.runtime.messaging.Topology;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The notifications service against a real nats-server, the provisioned topology and GreenMail as SMTP server. */
class NotificationsServiceTest {
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String ADDRESS = "ada@example.com";

  static NatsServer nats;
  static Connection serviceConnection;
  static Connection nc;
  static Vertx vertx;
  static JetStreamBridge bridge;
  static ServerSetup smtp;
  static GreenMail mailServer;

  @BeforeAll
  static void up() throws Exception {
    nats = NatsServer.secured();
    nc = nats.connect();
    vertx = Vertx.vertx();
    bridge = new JetStreamBridge(vertx, nc);
    smtp = new ServerSetup(LoopbackPorts.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    mailServer = new GreenMail(smtp);
    mailServer.start();
    Settings settings = Settings.of(Map.of(
        "smtp.host", "127.0.0.1",
        "smtp.port", String.valueOf(smtp.getPort()),
        "smtp.timeout", "10s",
        "consumer.max-attempts", "50",
        "consumer.backoff", "20ms",
        "consumer.max-backoff", "200ms"));
    Provisioner.from(settings).provision(nc);
    // The service as its own NATS identity; the test publishes its inputs as the harness (nc, bridge).
    serviceConnection = nats.connectAs("notifications");
    var ctx = ServiceContext.standalone("notifications", vertx, settings, new JetStreamBridge(vertx, serviceConnection), Router.router(vertx));
    new NotificationsService().start(ctx).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void down() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    serviceConnection.close();
    nc.close();
    var violations = nats.violations();
    nats.close();
    mailServer.stop();
    assertThat(violations).as("NATS permission violations").isEmpty();
  }

  @Test
  void aConfirmedOrderGetsOneConfirmationMail() throws Exception {
    String order = Ids.newOrderId();
    Envelope confirmed = end(new Event.OrderConfirmed(order, "c-1", 2_599, "EUR", io.orderflow.runtime.TestHandOffs.REQUEST), ADDRESS);

    Envelope sent = awaitNotification(order);

    String messageId = "<" + order + ".confirmed@orderflow>";
    assertThat(sent.data()).isEqualTo(new Event.NotificationSent(order, "order-confirmed", messageId));
    assertThat(sent.causationId()).isEqualTo(confirmed.id());
    // The same trace, in a span of its own: what a handler publishes continues its trigger's trace.
    assertThat(Tracing.traceId(sent.traceparent())).isEqualTo(Tracing.traceId(TRACEPARENT));
    assertThat(Tracing.spanId(sent.traceparent())).isNotEqualTo(Tracing.spanId(TRACEPARENT));
    assertThat(sent.deliveryAttempt()).as("made on the trigger's first delivery").isEqualTo(1);
    MimeMessage mail = awaitMail(messageId);
    assertThat(mail.getHeader("Message-ID")).containsExactly(messageId);
    assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString)).containsExactly(ADDRESS);
    assertThat(mail.getFrom()[0].toString()).isEqualTo("orders@orderflow.local");
    assertThat(mail.getSubject()).isEqualTo("Your order " + order + " is confirmed");
    assertThat(GreenMailUtil.getBody(mail)).contains(order).contains("25.99 EUR");
  }

  @Test
  void anOrderCancelledForLackOfStockGetsACancellationMailSayingWhy() throws Exception {
    String order = Ids.newOrderId();
    end(new Event.OrderCancelled(order, "c-1", CancelReason.OUT_OF_STOCK, "sku-1 short by 2", io.orderflow.runtime.TestHandOffs.REQUEST), ADDRESS);

    String messageId = "<" + order + ".cancelled@orderflow>";
    assertThat(awaitNotification(order).data()).isEqualTo(new Event.NotificationSent(order, "order-cancelled", messageId));
    MimeMessage mail = awaitMail(messageId);
    assertThat(mail.getSubject()).isEqualTo("Your order " + order + " has been cancelled");
    assertThat(GreenMailUtil.getBody(mail)).contains("out of stock").contains("not been charged");
  }

  @Test
  void aDuplicatedEventUnderANewMessageIdSendsNothingTwice() throws Exception {
    String order = Ids.newOrderId();
    Envelope confirmed = end(new Event.OrderConfirmed(order, "c-1", 1_000, "EUR", io.orderflow.runtime.TestHandOffs.REQUEST), ADDRESS);
    Envelope first = awaitNotification(order);
    String messageId = ((Event.NotificationSent) first.data()).messageId();
    awaitMail(messageId);

    PublishAck duplicate = bridge.publishRaw(confirmed.natsSubject(), new Headers(), EventCodec.encode(confirmed),
        PublishOptions.builder().messageId("replayed-" + confirmed.id()).build()).await(5, TimeUnit.SECONDS);
    assertThat(duplicate.isDuplicate()).isFalse();
    awaitHandled(duplicate.getSeqno());

    assertThat(mailsWith(messageId)).hasSize(1);
    assertThat(notificationMessages(order)).isEqualTo(1);
  }

  @Test
  void anOrderWithoutAContactAddressIsRecordedAsSkippedWithoutAMail() throws Exception {
    String order = Ids.newOrderId();
    end(new Event.OrderConfirmed(order, "c-1", 1_000, "EUR", io.orderflow.runtime.TestHandOffs.REQUEST), null);

    assertThat(awaitNotification(order).data())
        .isEqualTo(new Event.NotificationSent(order, "skipped-no-contact", "none"));
    assertThat(mailsWith("<" + order + ".confirmed@orderflow>")).isEmpty();
  }

  @Test
  void aMailServerThatIsDownAtFirstGetsTheMailOnceItIsUp() throws Exception {
    mailServer.stop();
    try {
      String order = Ids.newOrderId();
      end(new Event.OrderCancelled(order, "c-1", CancelReason.PAYMENT_DECLINED, "card_declined", io.orderflow.runtime.TestHandOffs.REQUEST), ADDRESS);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(consumer().getRedelivered()).isPositive());
      assertThat(notification(order)).isEmpty();

      mailServer = new GreenMail(smtp);
      mailServer.start();

      assertThat(awaitNotification(order).data()).isInstanceOf(Event.NotificationSent.class);
      assertThat(mailsWith("<" + order + ".cancelled@orderflow>")).hasSize(1);
    } finally {
      if (!mailServer.isRunning()) {
        mailServer = new GreenMail(smtp);
        mailServer.start();
      }
    }
  }

  // --- helpers ---

  /** Hands the address over (as orders does) and publishes the event that ends the order. */
  static Envelope end(Event ended, String address) throws Exception {
    String order = ended.subject();
    if (address != null) {
      io.orderflow.runtime.TestHandOffs.contact(bridge, order, address);
    }
    Envelope event = Envelope.of(ended, Instant.now(), TRACEPARENT, null);
    bridge.publish(event).await(5, TimeUnit.SECONDS);
    return event;
  }

  static Optional<Envelope> notification(String order) throws Exception {
    return bridge.lastEvent(Topology.NOTIFICATIONS, Subjects.NOTIFICATIONS + "." + order).await(5, TimeUnit.SECONDS)
        .filter(StoredEvent::ok).map(StoredEvent::envelope);
  }

  static Envelope awaitNotification(String order) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> notification(order).orElse(null), e -> e != null);
  }

  static List<MimeMessage> mailsWith(String messageId) {
    return Arrays.stream(mailServer.getReceivedMessages()).filter(m -> {
      try {
        return messageId.equals(m.getMessageID());
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  static MimeMessage awaitMail(String messageId) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> mailsWith(messageId), l -> !l.isEmpty()).getFirst();
  }

  static io.nats.client.api.ConsumerInfo consumer() throws Exception {
    return nc.jetStreamManagement().getConsumerInfo(Topology.ORDERS, Topology.NOTIFICATIONS_ENDED.durable());
  }

  /** Waits until the notifications consumer has delivered and settled everything up to this stream sequence. */
  static void awaitHandled(long seq) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var info = consumer();
      assertThat(info.getDelivered().getStreamSequence()).isGreaterThanOrEqualTo(seq);
      assertThat(info.getNumAckPending()).isZero();
      assertThat(info.getNumPending()).isZero();
    });
  }

  static long notificationMessages(String order) throws Exception {
    String subject = Subjects.NOTIFICATIONS + "." + order;
    var state = nc.jetStreamManagement()
        .getStreamInfo(Topology.NOTIFICATIONS, StreamInfoOptions.filterSubjects(subject)).getStreamState();
    return state.getSubjects().stream().filter(s -> s.getName().equals(subject)).mapToLong(s -> s.getCount()).sum();
  }
}
