package io.orderflow.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which address the anonymous rate limit counts: X-Forwarded-For only from trusted proxies, right to left. */
class ClientAddressTest {
  private static ClientAddress trusting(String proxies) {
    return ClientAddress.from(Settings.of(Map.of("http.trusted-proxies", proxies)));
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertThat(ClientAddress.from(Settings.of(Map.of())).of("203.0.113.9", "1.2.3.4")).isEqualTo("203.0.113.9");
  }

  @Test
  void onlyAListedProxyIsATrustedOne() {
    assertThat(ClientAddress.from(Settings.of(Map.of())).isTrustedProxy("10.1.2.3")).isFalse();
    assertThat(trusting("10.0.0.0/8").isTrustedProxy("10.1.2.3")).isTrue();
    assertThat(trusting("10.0.0.0/8").isTrustedProxy("203.0.113.9")).isFalse();
  }

  @Test
  void aRequestFromAnUntrustedPeerIsThatPeersWhateverItsHeaderSays() {
    assertThat(trusting("10.0.0.0/8").of("203.0.113.9", "1.2.3.4")).isEqualTo("203.0.113.9");
  }

  @Test
  void behindTrustedProxiesTheClientIsTheRightMostUntrustedHop() {
    ClientAddress c = trusting("10.0.0.0/8, 192.168.1.7, fd00::/8");
    assertThat(c.of("10.1.2.3", "198.51.100.4")).isEqualTo("198.51.100.4");
    // What a client wrote at the left is not believed: each trusted proxy appended the peer it saw.
    assertThat(c.of("10.1.2.3", "6.6.6.6, 198.51.100.4, 192.168.1.7")).isEqualTo("198.51.100.4");
    assertThat(c.of("fd00::1", "2001:db8::5, fd00::2")).isEqualTo("2001:db8::5");
    assertThat(c.of("10.1.2.3", "10.9.9.9, 10.8.8.8")).as("all trusted: the first of them").isEqualTo("10.9.9.9");
    assertThat(c.of("10.1.2.3", null)).isEqualTo("10.1.2.3");
  }

  @Test
  void aSettingThatIsNoAddressOrRangeStopsStartUp() {
    for (String bad : new String[] {"ingress.local", "10.0.0.0/33", "10.0.0.0/x", "300.1.1.1"}) {
      assertThatThrownBy(() -> trusting(bad)).as(bad).isInstanceOf(IllegalStateException.class).hasMessageContaining("http.trusted-proxies");
    }
  }
}
