package io.orderflow.runtime.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SnapshotFrameTest {
  static final int MAGIC = 0x54455354;

  @Test
  void aBodyComesBackAsWritten() throws Exception {
    byte[] data = SnapshotFrame.write(MAGIC, 3, out -> {
      out.writeLong(42);
      out.writeUTF("sku-1");
    });
    String read = SnapshotFrame.read(data, MAGIC, 3, "a test snapshot", in -> in.readLong() + ":" + in.readUTF());
    assertThat(read).isEqualTo("42:sku-1");
  }

  @Test
  void anotherKindAnotherVersionADamagedOrTruncatedFrameAndUnreadTrailingDataAreUnreadable() {
    byte[] data = SnapshotFrame.write(MAGIC, 3, out -> out.writeLong(42));
    assertThatThrownBy(() -> SnapshotFrame.read(data, MAGIC + 1, 3, "a test snapshot", in -> in.readLong()))
        .isInstanceOf(SnapshotFrame.Unreadable.class).hasMessage("not a test snapshot");
    assertThatThrownBy(() -> SnapshotFrame.read(data, MAGIC, 4, "a test snapshot", in -> in.readLong()))
        .isInstanceOf(SnapshotFrame.Unreadable.class).hasMessageContaining("format 3, this version reads 4");
    byte[] flipped = data.clone();
    flipped[14] ^= 1;
    assertThatThrownBy(() -> SnapshotFrame.read(flipped, MAGIC, 3, "a test snapshot", in -> in.readLong()))
        .isInstanceOf(SnapshotFrame.Unreadable.class);
    assertThatThrownBy(() -> SnapshotFrame.read(Arrays.copyOf(data, data.length - 3), MAGIC, 3, "a test snapshot", in -> in.readLong()))
        .isInstanceOf(SnapshotFrame.Unreadable.class);
    assertThatThrownBy(() -> SnapshotFrame.read(data, MAGIC, 3, "a test snapshot", in -> in.readInt()))
        .isInstanceOf(SnapshotFrame.Unreadable.class).hasMessageContaining("trailing data");
    assertThat(ByteBuffer.wrap(data).getInt(0)).isEqualTo(MAGIC);
  }
}
