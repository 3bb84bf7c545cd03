package io.orderflow.runtime.backup;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable consumers' acknowledgement floors, recorded before a backup's first snapshot and put back after a
 * restore. Streams are snapshotted one after another while the services work, so a consumer copied late may have
 * acknowledged a message whose effect (an event in another stream, copied earlier) is not in the backup; restored
 * as copied, that order would never move again. Put back to its floor from before the first snapshot, the
 * consumer handles those messages again, as after a crash between an effect and its ack.
 */
final class ConsumerPositions {
  private static final JetStreamOptions OPTIONS = JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(15)).build();

  private ConsumerPositions() {}

  static List<BackupManifest.ConsumerPosition> record(Connection nc, List<String> streams) throws IOException {
    JetStreamManagement jsm = nc.jetStreamManagement(OPTIONS);
    List<BackupManifest.ConsumerPosition> out = new ArrayList<>();
    try {
      for (String stream : streams) {
        for (String name : jsm.getConsumerNames(stream)) {
          ConsumerInfo ci = jsm.getConsumerInfo(stream, name);
          // Ephemeral consumers (key-value watches, readers) belong to a connection that a restore does not bring back.
          if (ci.getConsumerConfiguration().getDurable() == null) continue;
          out.add(new BackupManifest.ConsumerPosition(stream, name, ci.getAckFloor().getStreamSequence()));
        }
      }
    } catch (JetStreamApiException e) {
      throw new BackupException("cannot record the consumers' positions: " + e.getMessage(), e.getApiErrorCode());
    }
    return out;
  }

  /**
   * Moves every restored consumer that acknowledged past its recorded floor back to it; answers how many moved. A
   * consumer at its recorded floor is left alone (its acknowledgements above the floor stay).
   */
  static int rewind(Connection nc, List<BackupManifest.ConsumerPosition> positions) throws IOException {
    JetStreamManagement jsm = nc.jetStreamManagement(OPTIONS);
    int moved = 0;
    for (BackupManifest.ConsumerPosition p : positions) {
      try {
        long floor = jsm.getConsumerInfo(p.stream(), p.consumer()).getAckFloor().getStreamSequence();
        if (floor <= p.ackFloor()) continue;
        // The next delivery is the first message after the recorded floor (consumer reset, nats-server 2.14+).
        jsm.resetConsumer(p.stream(), p.consumer(), p.ackFloor() + 1);
        moved++;
      } catch (JetStreamApiException e) {
        throw new BackupException("cannot put consumer " + p.consumer() + " on " + p.stream() + " back to stream sequence "
            + p.ackFloor() + ": " + e.getMessage(), e.getApiErrorCode());
      }
    }
    return moved;
  }
}
