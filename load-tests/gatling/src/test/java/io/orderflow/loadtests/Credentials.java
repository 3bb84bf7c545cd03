package io.orderflow.loadtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code Authorization} headers of the run. Orders go with a customer token whose subject is the order's
 * customerId (the API refuses any other, admins too): {@code -Dtoken} makes that one customer place every order;
 * without it, each customer's token is signed with {@code -DdevKeyDir}'s key on first use and kept. Stocking
 * needs an admin: {@code -DadminToken}, else one signed with the dev key, else none (stocking is skipped).
 * Explicit tokens are looked at, not verified: only to fail early on one that cannot work.
 */
final class Credentials {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String fixedCustomer;
  private final String fixedBearer;
  private final DevKeySigner signer;
  private final Duration ttl;
  private final ConcurrentHashMap<String, String> customers = new ConcurrentHashMap<>();
  private final Optional<String> admin;

  private Credentials(String fixedCustomer, String fixedBearer, DevKeySigner signer, Duration ttl, Optional<String> admin) {
    this.fixedCustomer = fixedCustomer;
    this.fixedBearer = fixedBearer;
    this.signer = signer;
    this.ttl = ttl;
    this.admin = admin;
  }

  static Credentials from(LoadSettings settings) {
    // The key is read only when something is left to sign: with both tokens given, -DdevKeyDir does not matter.
    boolean signs = settings.token().isEmpty() || settings.adminToken().isEmpty();
    DevKeySigner signer = signs ? settings.devKeyDir().map(DevKeySigner::load).orElse(null) : null;
    // Signed tokens outlive the run (ramp, constant phase, the last polls) with an hour to spare.
    Duration ttl = Duration.ofSeconds(settings.rampSeconds() + settings.durationSeconds() + settings.pollTimeoutSeconds()).plusHours(1);
    String customer = null;
    String bearer = null;
    if (settings.token().isPresent()) {
      customer = subjectWithRole(settings.token().get(), "customer", "token");
      bearer = "Bearer " + settings.token().get();
    }
    Optional<String> admin;
    if (settings.adminToken().isPresent()) {
      subjectWithRole(settings.adminToken().get(), "admin", "adminToken");
      admin = Optional.of("Bearer " + settings.adminToken().get());
    } else {
      admin = Optional.ofNullable(signer).map(s -> "Bearer " + s.sign("orderflow-load-test", "admin", ttl));
    }
    return new Credentials(customer, bearer, signer, ttl, admin);
  }

  /** Who places an order meant for {@code candidate}: the candidate, or with {@code -Dtoken} the token's subject. */
  String customerId(String candidate) {
    return fixedCustomer != null ? fixedCustomer : candidate;
  }

  /** {@code Bearer <token>} of {@code customerId} (one of {@link #customerId}'s answers). */
  String customer(String customerId) {
    if (fixedBearer != null) return fixedBearer;
    return customers.computeIfAbsent(customerId, id -> "Bearer " + signer.sign(id, "customer", ttl));
  }

  /** {@code Bearer <token>} of an admin, for stocking; empty when the run has none. */
  Optional<String> admin() {
    return admin;
  }

  /** How the run authenticates, for its opening log line. */
  String describe() {
    String orders = fixedCustomer != null ? "every order as customer " + fixedCustomer + " (-Dtoken)" : "a token per customer signed with -DdevKeyDir";
    return orders + "; stocking " + (admin.isEmpty() ? "skipped (no -DadminToken or -DdevKeyDir)" : "as admin");
  }

  /**
   * The subject of {@code token}, which must grant {@code role} and not have expired; {@code property} names the
   * setting in the error.
   */
  static String subjectWithRole(String token, String role, String property) {
    String[] parts = token.split("\\.", -1);
    JsonNode claims;
    try {
      if (parts.length != 3) throw new IOException("not three dot-separated parts");
      claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + property + " is not a JWT (" + e.getMessage() + ")", e);
    }
    String subject = claims.path("sub").asText("");
    if (subject.isBlank()) throw new IllegalArgumentException("-D" + property + " has no subject (sub)");
    boolean granted = false;
    for (JsonNode r : claims.path("roles")) granted |= role.equals(r.asText());
    if (!granted) {
      throw new IllegalArgumentException("-D" + property + " must grant the role " + role + "; its roles are " + claims.path("roles"));
    }
    if (claims.path("exp").canConvertToLong() && claims.path("exp").asLong() <= Instant.now().getEpochSecond()) {
      throw new IllegalArgumentException("-D" + property + " has expired (exp " + Instant.ofEpochSecond(claims.path("exp").asLong()) + ")");
    }
    return subject;
  }
}
