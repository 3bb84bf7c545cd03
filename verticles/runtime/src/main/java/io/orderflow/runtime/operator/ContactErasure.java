package io.orderflow.runtime.operator;

import io.nats.client.PurgeOptions;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.orderflow.codecs.Event;
import io.orderflow.codecs.Ids;
import io.orderflow.codecs.Subjects;
import io.orderflow.runtime.http.Problem;
import io.orderflow.runtime.messaging.JetStreamBridge;
import io.orderflow.runtime.messaging.Topology;
import io.orderflow.runtime.security.ApiAuth;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DELETE /admin/customers/{customerId}/contact} on the management port: erases a customer's contact data
 * on request. The only place an email address is kept is its order's hand-off in CONTACTS (no event holds one,
 * so the audit chain is untouched and still verifies); every hand-off of the customer's orders (found through
 * ORDERS_VIEW's keys, {@code <customerId>.<orderId>}) is purged. An order that ends afterwards gets no mail
 * (notifications records it as skipped). The erasure is recorded as an OperatorAction naming the admin.
 */
public final class ContactErasure {
  private final JetStreamBridge bridge;
  private final OperatorRecord record;

  public ContactErasure(JetStreamBridge bridge) {
    this.bridge = bridge;
    this.record = new OperatorRecord(bridge);
  }

  public void mount(Router router) {
    router.delete("/admin/customers/:customerId/contact").handler(this::erase);
  }

  /** How many of the customer's orders were looked at, and how many addresses were purged. */
  public record Erased(int orders, long addresses) {}

  private void erase(RoutingContext ctx) {
    String customerId = ctx.pathParam("customerId");
    if (!Ids.isCustomerId(customerId)) {
      Problem.badRequest("not a customer id: " + customerId).send(ctx);
      return;
    }
    String actor = ApiAuth.caller(ctx).subject();
    erase(customerId)
        .compose(erased -> record.done(Event.OperatorAction.CONTACT_ERASED, actor, "customer " + customerId,
            erased.addresses() + " address(es) of " + erased.orders() + " order(s)").map(erased))
        .onSuccess(erased -> ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("customerId", customerId).put("orders", erased.orders()).put("erasedAddresses", erased.addresses()).encode()))
        .onFailure(ctx::fail);
  }

  public Future<Erased> erase(String customerId) {
    return bridge.blocking(() -> {
      var jsm = bridge.management();
      String filter = "$KV." + Topology.ORDERS_VIEW.name() + "." + customerId + ".*";
      var view = jsm.getStreamInfo(Topology.kvStream(Topology.ORDERS_VIEW), StreamInfoOptions.filterSubjects(filter));
      List<Subject> keys = view.getStreamState().getSubjects() == null ? List.of() : view.getStreamState().getSubjects();
      List<String> orders = new ArrayList<>();
      for (Subject key : keys) orders.add(Subjects.lastToken(key.getName()));
      long purged = 0;
      for (String order : orders) {
        purged += jsm.purgeStream(Topology.CONTACTS, PurgeOptions.subject(Subjects.HANDOFF_CONTACT + "." + order + ".>")).getPurged();
      }
      return new Erased(orders.size(), purged);
    });
  }
}
