package io.orderflow.pspsim;

import io.orderflow.pspsim.domain.Charge;
import io.orderflow.pspsim.domain.ChargeProcessor;
import io.orderflow.pspsim.domain.FaultPolicy.Operation;
import io.orderflow.pspsim.domain.VoidResult;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/charges/{chargeId}/void}: gives a charge's money back; voiding twice changes nothing. */
final class VoidRoutes {

  private static final Logger log = LoggerFactory.getLogger(VoidRoutes.class);

  private final ChargeProcessor processor;
  private final FaultInjector faults;

  VoidRoutes(ChargeProcessor processor, FaultInjector faults) {
    this.processor = processor;
    this.faults = faults;
  }

  void voidCharge(RoutingContext ctx) {
    String chargeId = ctx.pathParam("chargeId");
    faults.apply(ctx, Operation.WRITE, () -> voidReply(chargeId));
  }

  private Reply voidReply(String chargeId) {
    return switch (processor.voidCharge(chargeId)) {
      case VoidResult.Voided(Charge charge) -> {
        log.debug("voided charge {} for key {}: {} {}", charge.id(), charge.idempotencyKey(), charge.amountCents(),
            charge.currency());
        yield voided(charge);
      }
      case VoidResult.AlreadyVoided(Charge charge) -> voided(charge);
      case VoidResult.NotCharged(Charge charge) -> Problem.chargeNotVoidable(charge.id())::send;
      case VoidResult.UnknownCharge(String id) -> Problem.unknownCharge(id)::send;
    };
  }

  private static Reply voided(Charge charge) {
    JsonObject json = ChargeRoutes.toJson(charge, "voided");
    return ctx -> ctx.json(json);
  }
}
