package io.orderflow.orders.console;

import io.orderflow.runtime.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's sign-ins. A browser cannot put a bearer token on an {@code EventSource}, so the admin token is
 * exchanged once for a session whose random id travels in an HttpOnly, SameSite=Strict cookie. A session ends
 * when its token would have expired, after {@link #MAX_AGE} in any case, after {@link #IDLE} without a request,
 * or at sign-out. Each has a CSRF token of its own that every state-changing request repeats in a header: a
 * page of another origin can make the browser send the cookie, never read the CSRF token.
 *
 * <p>Kept in this process's memory: a restart signs everybody out, and with several orders instances a
 * console is bound to the one it signed in to (a port-forward reaches one pod). Thread-safe.
 */
final class ConsoleSessions {
  static final Duration MAX_AGE = Duration.ofHours(8);
  static final Duration IDLE = Duration.ofMinutes(30);
  /** More sign-ins than operators: the oldest session gives way, memory stays bounded. */
  static final int MAX_SESSIONS = 1000;

  record Session(String id, String csrf, Caller caller, Instant expiresAt, Instant lastSeen) {
    /** Whether {@code presented} is this session's CSRF token, compared in constant time. */
    boolean csrfMatches(String presented) {
      return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

  synchronized Session open(Caller caller, Instant tokenExpiresAt, Instant now) {
    Instant cap = now.plus(MAX_AGE);
    Session s = new Session(randomId(), randomId(), caller, tokenExpiresAt.isBefore(cap) ? tokenExpiresAt : cap, now);
    sessions.put(s.id(), s);
    Iterator<Session> oldest = sessions.values().iterator();
    while (sessions.size() > MAX_SESSIONS) {
      oldest.next();
      oldest.remove();
    }
    return s;
  }

  /** The live session with this id, its idle clock reset; empty for an unknown, expired or idle one (which ends). */
  synchronized Optional<Session> find(String id, Instant now) {
    if (id == null) return Optional.empty();
    Session s = sessions.get(id);
    if (s == null) return Optional.empty();
    if (!now.isBefore(s.expiresAt()) || !now.isBefore(s.lastSeen().plus(IDLE))) {
      sessions.remove(id);
      return Optional.empty();
    }
    Session seen = new Session(s.id(), s.csrf(), s.caller(), s.expiresAt(), now);
    sessions.put(id, seen);
    return Optional.of(seen);
  }

  /** Whether the session is live, without counting this as use (an open stream's check). */
  synchronized boolean alive(String id, Instant now) {
    Session s = id == null ? null : sessions.get(id);
    return s != null && now.isBefore(s.expiresAt()) && now.isBefore(s.lastSeen().plus(IDLE));
  }

  synchronized void close(String id) {
    if (id != null) sessions.remove(id);
  }

  /** Drops ended sessions; the feed calls it now and then so abandoned ones do not wait for {@link #MAX_SESSIONS}. */
  synchronized void expire(Instant now) {
    sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()) || !now.isBefore(s.lastSeen().plus(IDLE)));
  }

  synchronized int size() {
    return sessions.size();
  }

  private String randomId() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Sessions in the order they were opened (for tests). */
  synchronized Map<String, Session> all() {
    return Map.copyOf(sessions);
  }
}
