package io.orderflow.app;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SmtpSinkTest {

    @TempDir
    Path dir;

    private SmtpSink sink;

    @BeforeEach
    void startSink() {
        sink = SmtpSink.start(0, dir.resolve("mail"));
    }

    @AfterEach
    void stopSink() {
        sink.close();
    }

    @Test
    void writesEveryReceivedMailAsAnEmlFile() throws Exception {
        assertThat(sink.port()).isPositive();

        send(message("Your order o-123 is confirmed", "Thank you for your order.", "ada@example.com"));

        List<Path> files = awaitEmlFiles(1);
        Path file = files.get(0);
        assertThat(file.getFileName().toString()).matches("\\d{8}T\\d{6}\\.\\d{3}Z_[A-Za-z0-9._-]+\\.eml");
        MimeMessage stored = read(file);
        assertThat(stored.getSubject()).isEqualTo("Your order o-123 is confirmed");
        assertThat(stored.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
            .containsExactly("ada@example.com");
        assertThat(stored.getContent().toString()).contains("Thank you for your order.");
        assertThat(sink.messagesWritten()).isEqualTo(1);
    }

    @Test
    void writesAMessageWithSeveralRecipientsOnce() throws Exception {
        send(message("Order cancelled", "Out of stock.", "ada@example.com", "grace@example.org"));
        send(message("Second mail", "Another one.", "ada@example.com"));

        List<Path> files = awaitEmlFiles(2);
        assertThat(files).extracting(SmtpSinkTest::subjectOf)
            .containsExactlyInAnyOrder("Order cancelled", "Second mail");
        assertThat(sink.messagesWritten()).isEqualTo(2);
    }

    @Test
    void fileNameCarriesTheSanitizedMessageId() throws Exception {
        Session session = session();
        MimeMessage msg = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<order/o-42:confirmed@orderflow.local>");
            }
        };
        msg.setFrom(new InternetAddress("shop@orderflow.local"));
        msg.setRecipients(Message.RecipientType.TO, "ada@example.com");
        msg.setSubject("with id");
        msg.setText("body");
        send(msg);

        Path file = awaitEmlFiles(1).get(0);
        assertThat(file.getFileName().toString()).endsWith("_order_o-42_confirmed_orderflow.local.eml");
    }

    @Test
    void sanitizeKeepsSafeCharactersOnly() {
        assertThat(SmtpSink.sanitize("<abc.DEF-1_2@host>")).isEqualTo("abc.DEF-1_2_host");
        assertThat(SmtpSink.sanitize("<../../etc/passwd>")).isEqualTo("__.._etc_passwd");
        assertThat(SmtpSink.sanitize(null)).isEqualTo("no-message-id");
        assertThat(SmtpSink.sanitize("  ")).isEqualTo("no-message-id");
        assertThat(SmtpSink.sanitize("<" + "x".repeat(500) + ">")).hasSize(80);
    }

    @Test
    void closeReleasesThePort() throws Exception {
        int port = sink.port();
        sink.close();
        sink.close(); // idempotent
        assertThatThrownBy(() -> send(message("late", "nobody listens", "ada@example.com"), port))
            .isInstanceOf(MessagingException.class);

        sink = SmtpSink.start(port, dir.resolve("mail2"));
        assertThat(sink.port()).isEqualTo(port);
        send(message("again", "listening again", "ada@example.com"));
        await().atMost(Duration.ofSeconds(10)).until(() -> emlFiles(dir.resolve("mail2")).size() == 1);
    }

    private Session session() {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(sink.port()));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        return Session.getInstance(props);
    }

    private MimeMessage message(String subject, String body, String... to) throws MessagingException {
        MimeMessage msg = new MimeMessage(session());
        msg.setFrom(new InternetAddress("shop@orderflow.local"));
        msg.setRecipients(Message.RecipientType.TO, String.join(",", to));
        msg.setSubject(subject, StandardCharsets.UTF_8.name());
        msg.setText(body, StandardCharsets.UTF_8.name());
        return msg;
    }

    private void send(MimeMessage msg) throws MessagingException {
        send(msg, sink.port());
    }

    private void send(MimeMessage msg, int port) throws MessagingException {
        Transport transport = session().getTransport("smtp");
        transport.connect("127.0.0.1", port, null, null);
        try {
            msg.saveChanges();
            transport.sendMessage(msg, msg.getAllRecipients());
        } finally {
            transport.close();
        }
    }

    private List<Path> awaitEmlFiles(int count) throws IOException {
        Path mailDir = sink.mailDir();
        await().atMost(Duration.ofSeconds(10)).until(() -> emlFiles(mailDir).size() == count);
        return emlFiles(mailDir);
    }

    private static List<Path> emlFiles(Path mailDir) throws IOException {
        if (!Files.isDirectory(mailDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(mailDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted().toList();
        }
    }

    private static String subjectOf(Path file) {
        try {
            return read(file).getSubject();
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static MimeMessage read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        } catch (IOException | MessagingException e) {
            throw new AssertionError("cannot parse " + file, e);
        }
    }
}
