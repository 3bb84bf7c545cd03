package io.orderflow.runtime.deadletter;

import io.orderflow.runtime.security.ApiAuth;
import io.orderflow.runtime.http.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The DLQ admin API of the management port, over {@link DeadLetterAdmin}: dead letters are addressed by
 * their DLQ stream sequence; errors are problems, rendered by the port's failure handler.
 * <ul>
 *   <li>{@code GET /admin/dlq?limit=100&before=} newest first; a {@code Link: rel="next"} header pages on</li>
 *   <li>{@code GET /admin/dlq/{seq}} one dead letter with its headers and payload</li>
 *   <li>{@code POST /admin/dlq/{seq}/replay} back to the consumer that failed it: {@code 202 {"replayedTo"}}</li>
 *   <li>{@code DELETE /admin/dlq/{seq}} {@code 204}</li>
 * </ul>
 */
public final class DeadLetterRoutes {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private final DeadLetterAdmin admin;

  public DeadLetterRoutes(DeadLetterAdmin admin) {
    this.admin = admin;
  }

  public void mount(Router router) {
    mount(router, "/admin/dlq");
  }

  /** The same API under another path (the console's {@code /console/api/dlq}, behind its session). */
  public void mount(Router router, String base) {
    router.get(base).handler(ctx -> list(ctx, base));
    router.get(base + "/:seq").handler(this::show);
    router.post(base + "/:seq/replay").handler(this::replay);
    router.delete(base + "/:seq").handler(this::delete);
  }

  private void list(RoutingContext ctx, String base) {
    long before = param(ctx, "before", Long.MAX_VALUE, Long.MAX_VALUE);
    int limit = (int) param(ctx, "limit", DEFAULT_LIMIT, MAX_LIMIT);
    admin.page(before, limit).onSuccess(page -> {
      JsonArray body = new JsonArray();
      for (DeadLetter l : page.letters()) body.add(summary(l));
      if (page.next() > 0) ctx.response().putHeader("Link", "<" + base + "?limit=" + limit + "&before=" + page.next() + ">; rel=\"next\"");
      ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    long seq = sequence(ctx);
    admin.find(seq).onSuccess(found -> found.ifPresentOrElse(
        l -> ctx.response().putHeader("Content-Type", "application/json").end(detail(l).encode()),
        () -> notFound(ctx, seq))).onFailure(ctx::fail);
  }

  private void replay(RoutingContext ctx) {
    long seq = sequence(ctx);
    admin.replay(seq, ApiAuth.caller(ctx).subject()).onSuccess(target -> target.ifPresentOrElse(
        subject -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("replayedTo", subject).encode()),
        () -> notFound(ctx, seq))).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    long seq = sequence(ctx);
    admin.delete(seq, ApiAuth.caller(ctx).subject()).onSuccess(deleted -> {
      if (deleted) ctx.response().setStatusCode(204).end();
      else notFound(ctx, seq);
    }).onFailure(ctx::fail);
  }

  private static JsonObject summary(DeadLetter l) {
    JsonObject j = new JsonObject().put("sequence", l.sequence()).put("consumer", l.consumer()).put("stream", l.stream())
        .put("streamSequence", l.streamSequence()).put("subject", l.subject()).put("error", l.error())
        .put("deliveries", l.deliveries()).put("time", l.time());
    l.cloudEvent().ifPresent(ce -> {
      if (ce.id() != null) j.put("eventId", ce.id());
      if (ce.type() != null) j.put("eventType", ce.type());
    });
    return j;
  }

  private static JsonObject detail(DeadLetter l) {
    JsonObject headers = new JsonObject();
    l.headers().forEach((name, values) -> headers.put(name, new JsonArray(values)));
    JsonObject j = summary(l).put("headers", headers).put("payload", new String(l.payload(), StandardCharsets.UTF_8));
    // A poison message may be any bytes: text alone would not show them faithfully.
    if (!isUtf8(l.payload())) j.put("payloadBase64", Base64.getEncoder().encodeToString(l.payload()));
    return j;
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static void notFound(RoutingContext ctx, long seq) {
    Problem.notFound("no dead letter with sequence " + seq).send(ctx);
  }

  private static long sequence(RoutingContext ctx) {
    String raw = ctx.pathParam("seq");
    try {
      long seq = Long.parseLong(raw);
      if (seq > 0) return seq;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest("a dead letter's sequence is a positive number, not '" + raw + "'").failure();
  }

  private static long param(RoutingContext ctx, String name, long absent, long max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) return absent;
    try {
      long v = Long.parseLong(raw);
      if (v > 0 && v <= max) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(name + " must be a number from 1 to " + max + ", not '" + raw + "'").failure();
  }
}
