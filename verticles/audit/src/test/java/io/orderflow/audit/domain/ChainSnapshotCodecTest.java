package io.orderflow.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChainSnapshotCodecTest {
  static final String ODD_ID = "not-a-uuid:42";
  static final String UPPER_ID = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);

  /** Blocks of a few orders' events: UUID ids, one id that is no UUID and one in upper case, an order spread over blocks. */
  static List<AuditBlock> chain(int blocks) {
    List<AuditBlock> out = new ArrayList<>();
    long index = 0;
    String head = HashChain.GENESIS;
    for (int b = 0; b < blocks; b++) {
      List<AuditBlock.Entry.Unsealed> events = new ArrayList<>();
      for (int o = 0; o < 3; o++) {
        String order = "order-" + (b + o);
        events.add(new AuditBlock.Entry.Unsealed(UUID.nameUUIDFromBytes((order + b).getBytes()).toString(), order, "{\"b\":" + b + "}"));
      }
      if (b == 1) events.add(new AuditBlock.Entry.Unsealed(ODD_ID, "order-1", "{}"));
      if (b == 2) events.add(new AuditBlock.Entry.Unsealed(UPPER_ID, "order-2", "{}"));
      AuditBlock block = HashChain.seal(index, head, events);
      out.add(block);
      index = block.nextIndex();
      head = block.hash();
    }
    return out;
  }

  static ChainState fold(List<AuditBlock> blocks, int from, int to, ChainState into) {
    for (int i = from; i < to; i++) into.fold(i + 1, blocks.get(i));
    return into;
  }

  @Test
  void aRestoredSnapshotPlusTheRestOfTheStreamIsTheFoldOfTheWholeStream() throws Exception {
    List<AuditBlock> blocks = chain(8);
    ChainState whole = fold(blocks, 0, 8, new ChainState());

    ChainState restored = new ChainState();
    restored.restore(ChainSnapshotCodec.decode(ChainSnapshotCodec.encode(fold(blocks, 0, 5, new ChainState()).snapshot().ofStream("s1"))));
    assertThat(restored.lastSequence()).isEqualTo(5);
    fold(blocks, 5, 8, restored);

    assertThat(restored.snapshot()).isEqualTo(whole.snapshot());
    assertThat(restored.head()).isEqualTo(whole.head());
    assertThat(restored.nextIndex()).isEqualTo(whole.nextIndex());
    for (int o = 0; o < 10; o++) assertThat(restored.positions("order-" + o)).isEqualTo(whole.positions("order-" + o));
  }

  @Test
  void aRestoredStateStillKnowsEveryEventOfEveryOrder() throws Exception {
    List<AuditBlock> blocks = chain(4);
    ChainState restored = new ChainState();
    restored.restore(ChainSnapshotCodec.decode(ChainSnapshotCodec.encode(fold(blocks, 0, 4, new ChainState()).snapshot().ofStream("s1"))));
    for (AuditBlock b : blocks) {
      for (AuditBlock.Entry e : b.entries()) assertThat(restored.logged(e.subject(), e.eventId())).as(e.eventId()).isTrue();
    }
    assertThat(restored.logged("order-1", ODD_ID)).isTrue();
    assertThat(restored.logged("order-2", UPPER_ID)).as("an id in upper case is kept as it was given").isTrue();
    assertThat(restored.logged("order-2", UPPER_ID.toLowerCase(java.util.Locale.ROOT))).isFalse();
    assertThat(restored.logged("order-1", UUID.randomUUID().toString())).isFalse();
    assertThat(restored.logged("order-99", ODD_ID)).isFalse();
  }

  @Test
  void everyFieldSurvivesTheRoundTrip() throws Exception {
    ChainSnapshot s = fold(chain(5), 0, 5, new ChainState()).snapshot().ofStream("2025-01-01T00:00:00Z");
    ChainSnapshot back = ChainSnapshotCodec.decode(ChainSnapshotCodec.encode(s));
    assertThat(back).isEqualTo(s);
    assertThat(back.subjects().get("order-2").eventId(back.subjects().get("order-2").size() - 1)).isEqualTo(UPPER_ID);
  }

  @Test
  void aBrokenChainIsRememberedAndNoSnapshotIsTakenUntilAValidBlockFollows() throws Exception {
    List<AuditBlock> blocks = chain(3);
    ChainState state = fold(blocks, 0, 2, new ChainState());
    state.fold(3, null); // not a block
    assertThat(state.snapshotReady()).isFalse();
    state.fold(4, blocks.get(2)); // chains on from the last valid head
    ChainSnapshot s = ChainSnapshotCodec.decode(ChainSnapshotCodec.encode(state.snapshot().ofStream("s1")));
    assertThat(s.brokenAt()).isEqualTo(3);
    assertThat(s.sequence()).isEqualTo(4);
  }

  @Test
  void aFlippedBitIsUnreadable() {
    byte[] data = ChainSnapshotCodec.encode(fold(chain(4), 0, 4, new ChainState()).snapshot().ofStream("s1"));
    data[data.length / 2] ^= 0x10;
    assertThatThrownBy(() -> ChainSnapshotCodec.decode(data)).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
  }

  @Test
  void aTruncatedSnapshotIsUnreadable() {
    byte[] data = ChainSnapshotCodec.encode(fold(chain(4), 0, 4, new ChainState()).snapshot().ofStream("s1"));
    assertThatThrownBy(() -> ChainSnapshotCodec.decode(Arrays.copyOf(data, data.length - 3))).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
    assertThatThrownBy(() -> ChainSnapshotCodec.decode(new byte[0])).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
  }

  @Test
  void anotherFormatVersionIsUnreadable() {
    byte[] data = ChainSnapshotCodec.encode(fold(chain(4), 0, 4, new ChainState()).snapshot().ofStream("s1"));
    ByteBuffer.wrap(data).putInt(4, ChainSnapshotCodec.VERSION + 1);
    assertThatThrownBy(() -> ChainSnapshotCodec.decode(data)).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class)
        .hasMessageContaining("format " + (ChainSnapshotCodec.VERSION + 1));
  }

  @Test
  void aLedgerSnapshotIsNotAChainSnapshot() {
    byte[] data = ChainSnapshotCodec.encode(fold(chain(2), 0, 2, new ChainState()).snapshot().ofStream("s1"));
    ByteBuffer.wrap(data).putInt(0, 0x4F464C53); // inventory's magic
    assertThatThrownBy(() -> ChainSnapshotCodec.decode(data)).isInstanceOf(io.orderflow.runtime.snapshot.SnapshotFrame.Unreadable.class);
  }

  @Test
  void onlyAnEmptyStateIsRestored() {
    ChainState used = fold(chain(2), 0, 2, new ChainState());
    assertThatThrownBy(() -> used.restore(used.snapshot())).isInstanceOf(IllegalStateException.class);
  }
}
