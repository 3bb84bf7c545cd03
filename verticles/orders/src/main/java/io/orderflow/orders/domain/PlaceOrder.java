package io.orderflow.orders.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A validated order request, before pricing. */
public record PlaceOrder(String customerId, String email, List<Item> items, String paymentToken) {
  public record Item(String sku, int quantity) {}

  /**
   * A fingerprint of the request, stored in OrderPlaced, so a retry with the same Idempotency-Key can be
   * told apart from a different request reusing the key. The token is hashed, never stored.
   */
  public String fingerprint() {
    StringBuilder sb = new StringBuilder().append(customerId).append('\n').append(email).append('\n').append(paymentToken).append('\n');
    for (Item i : items) sb.append(i.sku()).append('*').append(i.quantity()).append('\n');
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
