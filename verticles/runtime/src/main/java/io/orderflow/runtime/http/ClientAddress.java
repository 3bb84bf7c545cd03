package io.orderflow.runtime.http;

import io.orderflow.runtime.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request comes from, for the anonymous rate limit. Behind an ingress every request's socket address is
 * the ingress's; {@code http.trusted-proxies} (addresses or CIDR ranges, comma-separated) names the proxies
 * whose {@code X-Forwarded-For} is believed. The client is then the right-most address of that header that is
 * not a trusted proxy: a client can write anything at the left of the header, but each trusted proxy appends
 * the peer it saw. Without the setting the header is ignored (anyone could send one).
 */
public final class ClientAddress {
  private final List<Range> trusted;

  private ClientAddress(List<Range> trusted) {
    this.trusted = trusted;
  }

  public static ClientAddress from(Settings settings) {
    String setting = settings.string("http.trusted-proxies", "").trim();
    List<Range> ranges = new ArrayList<>();
    if (!setting.isEmpty()) {
      for (String part : setting.split(",")) {
        try {
          ranges.add(Range.parse(part.trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("setting http.trusted-proxies: " + e.getMessage());
        }
      }
    }
    return new ClientAddress(List.copyOf(ranges));
  }

  /** The client of a request from {@code remote} carrying {@code forwardedFor} (null: no such header). */
  public String of(String remote, String forwardedFor) {
    if (forwardedFor == null || trusted.isEmpty() || !isTrusted(remote)) return remote;
    String[] hops = forwardedFor.split(",");
    String leftMost = remote;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) continue;
      leftMost = hop;
      if (!isTrusted(hop)) return hop;
    }
    return leftMost; // every hop a trusted proxy: the first of them
  }

  /** Whether {@code remote} is one of the trusted proxies, whose forwarded headers are believed. */
  public boolean isTrustedProxy(String remote) {
    return !trusted.isEmpty() && isTrusted(remote);
  }

  private boolean isTrusted(String address) {
    byte[] bytes = Range.literal(address);
    if (bytes == null) return false;
    for (Range r : trusted) if (r.contains(bytes)) return true;
    return false;
  }

  /** An address range: a literal address and a prefix length. */
  record Range(byte[] network, int prefix) {
    static Range parse(String text) {
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      byte[] bytes = literal(address);
      if (bytes == null) throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
      int prefix = bytes.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' has no prefix length after the slash");
        }
        if (prefix < 0 || prefix > bytes.length * 8) throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
      }
      return new Range(bytes, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) return false;
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
      }
      return true;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null: never a name lookup. */
    static byte[] literal(String text) {
      String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
      if (t.isEmpty() || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) return null;
      if (t.indexOf(':') < 0) {
        // Checked here, octets included: InetAddress would look an invalid "literal" up as a host name.
        String[] octets = t.split("\\.", -1);
        if (octets.length != 4) return null;
        for (String o : octets) if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) return null;
      }
      try {
        return InetAddress.getByName(t).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }
}
