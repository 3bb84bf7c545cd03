package io.orderflow.app;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local SMTP sink for development: accepts every message for every recipient (no authentication,
 * SMTP only) and writes each one as an {@code .eml} file into a mail directory, so that the mails
 * notifications sends can be read without a real mail server.
 *
 * <p>File names are {@code <UTC timestamp>_<sanitized Message-ID>.eml} (so they sort by arrival time);
 * files are written to a temporary name and moved into place, so a reader never sees half a message.
 * Each message is written once, however many recipients it has. Messages are not kept in memory.
 * If a message cannot be written, the client is answered {@code 451} and may retry.
 *
 * <p>Process entry: {@link #run(int, Path)} (or {@link #main(String[])}, which reads
 * {@code ORDERFLOW_SMTP_PORT} and {@code ORDERFLOW_MAIL_DIR}). The bind address is loopback unless
 * {@code ORDERFLOW_SMTP_BIND} says otherwise (e.g. {@code 0.0.0.0} in a container).
 */
public final class SmtpSink implements AutoCloseable {

    public static final int DEFAULT_PORT = 2525;
    public static final Path DEFAULT_MAIL_DIR = Path.of(".data", "mail");
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSink.class);
    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_ID_CHARS = 80;

    private final GreenMail greenMail;
    private final Path mailDir;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private volatile int port = -1;
    /** The message last written; GreenMail delivers a message once per recipient, we store it once. */
    private MovingMessage lastStored; // guarded by this

    private SmtpSink(String bindAddress, int port, Path mailDir) {
        this.mailDir = mailDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.mailDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create mail directory " + this.mailDir, e);
        }
        this.greenMail = new GreenMail(new ServerSetup(port, bindAddress, ServerSetup.PROTOCOL_SMTP));
        this.greenMail.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        GreenMailUser sinkUser = new SinkUser();
        // Every recipient is "delivered" to the sink user, which writes the file instead of keeping a mailbox.
        this.greenMail.getUserManager().setMessageDeliveryHandler((msg, address) -> sinkUser);
    }

    /** Starts a sink on loopback; {@code port} 0 picks a free port (see {@link #port()}). */
    public static SmtpSink start(int port, Path mailDir) {
        return start(DEFAULT_BIND_ADDRESS, port, mailDir);
    }

    /** Starts a sink on the given address; {@code port} 0 picks a free port (see {@link #port()}). */
    public static SmtpSink start(String bindAddress, int port, Path mailDir) {
        SmtpSink sink = new SmtpSink(bindAddress, port, mailDir);
        sink.greenMail.start();
        sink.port = sink.greenMail.getSmtp().getPort();
        LOG.info("SMTP sink listening on {}:{}, writing mails to {}", bindAddress, sink.port(), sink.mailDir);
        return sink;
    }

    /** Runs a sink until the JVM is asked to stop (SIGTERM, Ctrl-C); the shutdown hook stops the server. */
    public static void run(int port, Path mailDir) {
        String bind = envOr("ORDERFLOW_SMTP_BIND", DEFAULT_BIND_ADDRESS);
        SmtpSink sink = start(bind, port, mailDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.close();
            stopped.countDown();
        }, "smtp-sink-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.close();
        }
    }

    /** Stand-alone entry: port from {@code ORDERFLOW_SMTP_PORT}, directory from {@code ORDERFLOW_MAIL_DIR}. */
    public static void main(String[] args) {
        int port = Integer.parseInt(envOr("ORDERFLOW_SMTP_PORT", String.valueOf(DEFAULT_PORT)));
        Path dir = Path.of(envOr("ORDERFLOW_MAIL_DIR", DEFAULT_MAIL_DIR.toString()));
        run(port, dir);
    }

    /** The port the server is bound to (the real one when started with port 0). */
    public int port() {
        return port;
    }

    /** The directory the {@code .eml} files are written to. */
    public Path mailDir() {
        return mailDir;
    }

    /** How many messages were written since start. */
    public long messagesWritten() {
        return written.get();
    }

    /** Stops the server; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            greenMail.stop();
            LOG.info("SMTP sink stopped after {} message(s)", written.get());
        }
    }

    private synchronized void store(MovingMessage moving) {
        if (moving == lastStored) {
            return; // same message, next recipient: already written
        }
        MimeMessage message = moving.getMessage();
        List<String> to = moving.getToAddresses().stream().map(MailAddress::getEmail).sorted().toList();
        Path file;
        try {
            file = write(message);
        } catch (IOException | MessagingException e) {
            // GreenMail answers the client "451 local error", so the sender can retry.
            throw new IllegalStateException("cannot write mail to " + mailDir, e);
        }
        lastStored = moving;
        written.incrementAndGet();
        LOG.info("mail received to={} subject=\"{}\" file={}", to, oneLine(subject(message)), file.getFileName());
    }

    private Path write(MimeMessage message) throws IOException, MessagingException {
        String base = STAMP.format(Instant.now()) + "_" + sanitize(message.getMessageID());
        Path tmp = Files.createTempFile(mailDir, ".incoming-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                message.writeTo(out);
            }
            for (int n = 0; ; n++) {
                Path target = mailDir.resolve(n == 0 ? base + ".eml" : base + "-" + n + ".eml");
                if (Files.exists(target)) {
                    continue;
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    return target;
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                    return target;
                } catch (FileAlreadyExistsException e) {
                    // taken in between: try the next suffix
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Keeps letters, digits, '.', '-' and '_' of a Message-ID, drops the angle brackets, caps the length. */
    static String sanitize(String messageId) {
        if (messageId == null || messageId.isBlank()) {
            return "no-message-id";
        }
        String id = messageId.strip();
        if (id.startsWith("<") && id.endsWith(">") && id.length() > 1) {
            id = id.substring(1, id.length() - 1);
        }
        String clean = id.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
        if (clean.length() > MAX_ID_CHARS) {
            clean = clean.substring(0, MAX_ID_CHARS);
        }
        return clean.isEmpty() ? "no-message-id" : clean;
    }

    private static String subject(MimeMessage message) {
        try {
            String subject = message.getSubject();
            return subject == null ? "" : subject;
        } catch (MessagingException e) {
            return "(unreadable subject)";
        }
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ");
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** The single pseudo-user every recipient maps to: delivering means writing the file. */
    private final class SinkUser implements GreenMailUser {
        @Override
        public String getEmail() {
            return "sink@localhost";
        }

        @Override
        public String getLogin() {
            return "sink";
        }

        @Override
        public void deliver(MovingMessage msg) {
            store(msg);
        }

        @Override
        public void deliver(MimeMessage msg) {
            MovingMessage moving = new MovingMessage();
            moving.setMimeMessage(msg);
            store(moving);
        }

        @Override
        public void create() {
            // no mailbox: messages go to files
        }

        @Override
        public void delete() {
            // no mailbox
        }

        @Override
        public String getPassword() {
            return "";
        }

        @Override
        public void setPassword(String password) {
            // authentication is disabled
        }

        @Override
        public void authenticate(String password) {
            // authentication is disabled
        }

        @Override
        public String getQualifiedMailboxName() {
            return "sink";
        }
    }
}
