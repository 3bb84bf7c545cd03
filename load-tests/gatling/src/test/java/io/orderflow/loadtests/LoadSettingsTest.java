package io.orderflow.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {

  @Test
  void defaultsTargetTheLocalRunAtTwentyOrdersASecond() {
    var settings = LoadSettings.from(Map.of("devKeyDir", ".data/jwt")::get);

    assertThat(settings.baseUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(settings.inventoryUrl()).isEqualTo(settings.baseUrl());
    assertThat(settings.rate()).isEqualTo(20);
    assertThat(settings.rampSeconds()).isEqualTo(10);
    assertThat(settings.durationSeconds()).isEqualTo(60);
    assertThat(settings.skus()).isEqualTo(1000);
    assertThat(settings.devKeyDir()).contains(Path.of(".data/jwt"));
    assertThat(settings.token()).isEmpty();
    assertThat(settings.adminToken()).isEmpty();
    assertThat(settings.p99Ms()).isEqualTo(250);
    assertThat(settings.maxErrorPercent()).isEqualTo(1);
  }

  @Test
  void inventoryUrlFollowsBaseUrlWithoutItsTrailingSlash() {
    var settings = LoadSettings.from(Map.of("baseUrl", "https://shop.example.com/api/", "token", " t0k ")::get);

    assertThat(settings.baseUrl()).isEqualTo("https://shop.example.com/api");
    assertThat(settings.inventoryUrl()).isEqualTo("https://shop.example.com/api");
    assertThat(settings.token()).contains("t0k");
    assertThat(settings.devKeyDir()).isEmpty();
  }

  @Test
  void everyRunNeedsADevKeyOrACustomerToken() {
    assertThatThrownBy(() -> LoadSettings.from(name -> null))
        .hasMessageContaining("-DdevKeyDir").hasMessageContaining("-Dtoken");
    assertThatThrownBy(() -> LoadSettings.from(Map.of("adminToken", "a.b.c", "token", " ")::get))
        .as("an admin token alone places no order").hasMessageContaining("no credentials");
    var remote = LoadSettings.from(Map.of("token", "c.u.s", "adminToken", " a.d.m ")::get);
    assertThat(remote.adminToken()).contains("a.d.m");
  }

  @Test
  void anInvalidValueIsRejectedNamingTheProperty() {
    assertThatThrownBy(() -> LoadSettings.from(Map.of("rate", "fast", "token", "t")::get))
        .hasMessageContaining("-Drate=fast");
    assertThatThrownBy(() -> LoadSettings.from(Map.of("inventoryUrl", "localhost:8081", "token", "t")::get))
        .hasMessageContaining("-DinventoryUrl=localhost:8081");
    assertThatThrownBy(() -> LoadSettings.from(Map.of("maxErrorPercent", "101", "token", "t")::get))
        .hasMessageContaining("-DmaxErrorPercent=101");
  }
}
