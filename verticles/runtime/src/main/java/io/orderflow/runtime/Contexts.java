package io.orderflow.runtime;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Hands results back to the context that asked, so callers never see their state touched from another thread. */
public final class Contexts {
  private Contexts() {}

  /** The given future, completed on the calling context (as is when called outside Vert.x). */
  public static <T> Future<T> toCaller(Future<T> result) {
    Context caller = Vertx.currentContext();
    if (caller == null) return result;
    Promise<T> p = Promise.promise();
    result.onComplete(ar -> caller.runOnContext(v -> p.handle(ar)));
    return p.future();
  }
}
