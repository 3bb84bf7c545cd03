package io.orderflow.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashChainTest {
  static List<AuditBlock.Entry.Unsealed> events(String... names) {
    List<AuditBlock.Entry.Unsealed> l = new ArrayList<>();
    for (String n : names) l.add(new AuditBlock.Entry.Unsealed(n, "o1", "{\"id\":\"" + n + "\"}"));
    return l;
  }

  @Test
  void sealedBlocksContinueTheChain() {
    AuditBlock first = HashChain.seal(0, HashChain.GENESIS, events("a", "b"));
    AuditBlock second = HashChain.seal(first.nextIndex(), first.hash(), events("c"));
    assertThat(HashChain.check(first, 0, HashChain.GENESIS)).isNull();
    assertThat(HashChain.check(second, 2, first.hash())).isNull();
    assertThat(second.entries().get(0).index()).isEqualTo(2);
  }

  @Test
  void aTamperedEventBreaksItsEntry() {
    AuditBlock b = HashChain.seal(0, HashChain.GENESIS, events("a", "b"));
    var e = b.entries().get(1);
    var forged = new AuditBlock(0, b.previousHash(),
        List.of(b.entries().get(0), new AuditBlock.Entry(1, e.eventId(), e.subject(), "{\"id\":\"evil\"}", e.hash())), b.hash());
    assertThat(HashChain.check(forged, 0, HashChain.GENESIS)).contains("entry 1");
  }

  @Test
  void aBlockFromAnotherHeadIsAFork() {
    AuditBlock first = HashChain.seal(0, HashChain.GENESIS, events("a"));
    AuditBlock fork = HashChain.seal(1, HashChain.GENESIS, events("b"));
    assertThat(HashChain.check(fork, 1, first.hash())).contains("chain head");
  }

  @Test
  void linksDependOnOrder() {
    assertThat(HashChain.link(HashChain.GENESIS, "x")).isNotEqualTo(HashChain.link(HashChain.link(HashChain.GENESIS, "y"), "x"));
  }
}
