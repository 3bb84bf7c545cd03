package io.orderflow.runtime.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An RFC 9457 problem: the one way every HTTP error of orderflow is rendered. */
public record Problem(int status, String title, String detail, String type) {
  public static final String CONTENT_TYPE = "application/problem+json";

  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title, detail, "about:blank");
  }

  public static Problem badRequest(String detail) {
    return of(400, "Bad Request", detail);
  }

  public static Problem notFound(String detail) {
    return of(404, "Not Found", detail);
  }

  public static Problem unprocessable(String detail) {
    return of(422, "Unprocessable Content", detail);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("type", type).put("title", title).put("status", status);
    if (detail != null) j.put("detail", detail);
    return j;
  }

  public void send(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(toJson().encode());
  }

  /** A failure a handler signals on purpose: rendered as this problem by {@link PublicApi}'s failure handler. */
  public static final class Failure extends RuntimeException {
    private final Problem problem;

    public Failure(Problem problem) {
      super(problem.title() + ": " + problem.detail(), null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  public Failure failure() {
    return new Failure(this);
  }
}
