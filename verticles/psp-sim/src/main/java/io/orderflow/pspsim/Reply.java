package io.orderflow.pspsim;

import io.vertx.ext.web.RoutingContext;

/** An answer prepared when a request's work is done, sent when (and if) the fault policy lets it go. */
@FunctionalInterface
interface Reply {
  void send(RoutingContext ctx);
}
