package io.orderflow.runtime.backup;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * The server's snapshot and restore of one stream, spoken as {@code nats stream backup} and {@code restore} speak
 * it (jsm.go's snapshots.go). jnats 2.26 has no API for it, so this is the wire protocol, checked on nats-server
 * 2.15.1:
 * <ul>
 *   <li>snapshot: a request to {@code $JS.API.STREAM.SNAPSHOT.<stream>} names a deliver subject; the answer carries
 *       the stream's configuration and state as of the snapshot. The server then sends the snapshot (an s2-compressed
 *       tar of the stream's files, its consumers included) in chunks to the deliver subject, each with a reply
 *       subject {@code $JS.SNAPSHOT.ACK.<stream>.<id>.<size>.<n>}: an empty message there is the flow-control ack
 *       (the server keeps a window of chunks in flight and gives up when acks stop). An empty message with status
 *       204 ends the snapshot; any other status is the server's failure.</li>
 *   <li>restore: a request to {@code $JS.API.STREAM.RESTORE.<stream>} with that configuration and state answers with
 *       a subject; each chunk is a request to it (an empty reply is its ack, {@code -ERR} a failure), and a last,
 *       empty request makes the server build the stream from what it staged and answer with the stream's info, or
 *       an error (a damaged file is refused there: "restore failed: s2: corrupt input").</li>
 * </ul>
 * Blocking: call from a worker or a command, never an event loop.
 */
final class StreamSnapshots {
  /** The chunk size natscli asks for; the server clamps it to 1 KiB .. 1 MiB. */
  static final int CHUNK_SIZE = 128 * 1024;
  private static final Duration API_TIMEOUT = Duration.ofSeconds(15);
  /** The server waits 5 s for acks before it gives up; silence longer than this means the snapshot is gone. */
  private static final Duration STALL = Duration.ofSeconds(30);
  /** After the last chunk the server rebuilds the stream from its staged copy: long for a large stream. */
  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(30);
  private static final int STATUS_DONE = 204;
  static final int STREAM_NOT_FOUND = 10059;

  private StreamSnapshots() {}

  /** The stream as the server described it when it took the snapshot: exactly what a restore must be given. */
  record Described(JsonObject config, JsonObject state) {}

  /** Writes a snapshot of {@code stream}, its consumers included, to {@code out}. */
  static Described snapshot(Connection nc, String stream, OutputStream out) throws IOException {
    String deliver = nc.createInbox();
    // Subscribed before asking: the server sends the first chunks as soon as it has answered.
    Subscription chunks = nc.subscribe(deliver);
    try {
      // jsck: the server checks every message's checksum first, so a damaged store is found now, not at a restore.
      JsonObject request = new JsonObject().put("deliver_subject", deliver).put("chunk_size", CHUNK_SIZE).put("jsck", true);
      JsonObject answer = request(nc, "$JS.API.STREAM.SNAPSHOT." + stream, request, API_TIMEOUT, "snapshot of " + stream);
      while (true) {
        Message chunk = chunks.nextMessage(STALL);
        if (chunk == null) throw new BackupException("snapshot of " + stream + " stalled: no chunk for " + STALL.toSeconds() + " s");
        if (chunk.getData() == null || chunk.getData().length == 0) {
          if (chunk.isStatusMessage() && chunk.getStatus().getCode() != STATUS_DONE) {
            throw new BackupException("snapshot of " + stream + " failed on the server: " + chunk.getStatus().getMessage());
          }
          return new Described(answer.getJsonObject("config"), answer.getJsonObject("state"));
        }
        out.write(chunk.getData());
        if (chunk.getReplyTo() != null) nc.publish(chunk.getReplyTo(), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during the snapshot of " + stream);
    } finally {
      chunks.unsubscribe();
    }
  }

  /** Creates {@code stream} from a snapshot; answers the server's info of the restored stream. */
  static JsonObject restore(Connection nc, String stream, Described described, InputStream in) throws IOException {
    JsonObject request = new JsonObject().put("config", described.config()).put("state", described.state());
    String target = request(nc, "$JS.API.STREAM.RESTORE." + stream, request, API_TIMEOUT, "restore of " + stream).getString("deliver_subject");
    if (target == null) throw new BackupException("restore of " + stream + ": the server named no subject to send the snapshot to");
    try {
      byte[] buffer = new byte[CHUNK_SIZE];
      for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
        Message ack = nc.request(target, Arrays.copyOf(buffer, n), API_TIMEOUT);
        if (ack == null) throw new BackupException("restore of " + stream + ": the server did not take a chunk within " + API_TIMEOUT.toSeconds() + " s");
        if (ack.getData() != null && ack.getData().length > 0) {
          throw new BackupException("restore of " + stream + " refused a chunk: " + new String(ack.getData(), StandardCharsets.UTF_8));
        }
      }
      Message done = nc.request(target, new byte[0], FINISH_TIMEOUT);
      if (done == null) throw new BackupException("restore of " + stream + ": the server did not finish within " + FINISH_TIMEOUT.toMinutes() + " min");
      return checked(done, "restore of " + stream);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during the restore of " + stream);
    }
  }

  /** A JetStream API request; its error answer becomes a {@link BackupException} naming the request. */
  static JsonObject request(Connection nc, String subject, JsonObject body, Duration timeout, String what) throws IOException {
    try {
      Message reply = nc.request(subject, body == null ? new byte[0] : body.encode().getBytes(StandardCharsets.UTF_8), timeout);
      // No answer at all is what a permission denial looks like from here (the server drops the request).
      if (reply == null) throw new BackupException(what + ": no answer within " + timeout.toSeconds() + " s (is JetStream up, and may this identity use " + subject + "?)");
      return checked(reply, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during " + what);
    }
  }

  private static JsonObject checked(Message reply, String what) throws BackupException {
    if (reply.isStatusMessage()) throw new BackupException(what + ": " + reply.getStatus().getMessage());
    JsonObject json;
    try {
      json = new JsonObject(new String(reply.getData(), StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new BackupException(what + ": the server's answer is not JSON: " + new String(reply.getData(), StandardCharsets.UTF_8), e);
    }
    JsonObject error = json.getJsonObject("error");
    if (error != null) {
      int code = error.getInteger("err_code", 0);
      throw new BackupException(what + ": " + error.getString("description") + " [" + code + "]", code);
    }
    return json;
  }
}
