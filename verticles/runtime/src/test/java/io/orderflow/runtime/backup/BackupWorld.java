package io.orderflow.runtime.backup;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.orderflow.runtime.NatsServer;
import io.orderflow.runtime.Settings;
import io.orderflow.runtime.messaging.Provisioner;
import io.orderflow.runtime.nats.NatsIdentities;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Servers and data for the backup tests: secured servers as {@code ./orderflow run} starts them, events of a realistic size. */
final class BackupWorld {
  private BackupWorld() {}

  /** A server with orderflow's identities, provisioned by the provisioner identity. */
  static NatsServer provisioned() throws Exception {
    NatsServer nats = NatsServer.secured();
    try (Connection provisioner = nats.connectAs(NatsIdentities.PROVISIONER)) {
      Provisioner.from(Settings.of(nats.settings())).provision(provisioner);
    }
    return nats;
  }

  static Settings settings(NatsServer nats) {
    return Settings.of(nats.settings());
  }

  /**
   * {@code count} messages on {@code <prefix>.o-<n>}, each about {@code size} bytes of CloudEvents-like JSON (an
   * OrderPlaced is about 700 bytes on the wire, an audit block a few KB).
   */
  static void publish(Connection nc, String prefix, int count, int size) throws Exception {
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
    var js = nc.jetStream();
    for (int i = 0; i < count; i++) {
      acks.add(js.publishAsync(prefix + ".o-" + i, event(prefix, i, size)));
      if (acks.size() == 2_000) {
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        acks.clear();
      }
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  static byte[] event(String type, int n, int size) {
    StringBuilder b = new StringBuilder("{\"specversion\":\"1.0\",\"id\":\"").append(java.util.UUID.nameUUIDFromBytes((type + n).getBytes()))
        .append("\",\"source\":\"/orderflow/test\",\"type\":\"").append(type).append(".v1\",\"subject\":\"o-").append(n)
        .append("\",\"time\":\"2026-11-30T12:00:00Z\",\"datacontenttype\":\"application/json\",\"data\":{\"pad\":\"");
    // Ids, hashes and addresses make real events compress about as poorly as random letters do.
    java.util.Random random = new java.util.Random(type.hashCode() * 31L + n);
    while (b.length() < size - 3) b.append((char) ('a' + random.nextInt(26)));
    return b.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static StreamInfo info(Connection nc, String stream) throws Exception {
    return nc.jetStreamManagement().getStreamInfo(stream);
  }

  static long storedMessages(JetStreamManagement jsm, List<String> streams) throws Exception {
    long total = 0;
    for (String s : streams) total += jsm.getStreamInfo(s).getStreamState().getMsgCount();
    return total;
  }
}
