package io.orderflow.orders.console;

import io.orderflow.runtime.http.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's pages, scripts and styles, read from the jar ({@code console/} on the class path) once and kept
 * in memory: a container with a read-only root filesystem has nowhere to unpack them, and they are a few
 * kilobytes. Only plain names with a known type are served, so a path can never leave the folder.
 */
final class ConsoleAssets {
  private static final Pattern NAME = Pattern.compile("(assets/)?[a-z0-9][a-z0-9-]{0,40}\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

  /** Files found: a name that is not there is looked up again, never remembered, so made-up names cost no memory. */
  private final Map<String, Buffer> loaded = new ConcurrentHashMap<>();

  void send(RoutingContext ctx, String name) {
    Optional<Buffer> body = NAME.matcher(name).matches() ? find(name) : Optional.empty();
    if (body.isEmpty()) {
      Problem.notFound("no console file " + name).send(ctx);
      return;
    }
    String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    ctx.response().putHeader("Content-Type", type).end(body.get());
  }

  private Optional<Buffer> find(String name) {
    Buffer known = loaded.get(name);
    if (known != null) return Optional.of(known);
    Optional<Buffer> read = read(name);
    read.ifPresent(b -> loaded.put(name, b));
    return read;
  }

  private static Optional<Buffer> read(String name) {
    try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream("console/" + name)) {
      return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
