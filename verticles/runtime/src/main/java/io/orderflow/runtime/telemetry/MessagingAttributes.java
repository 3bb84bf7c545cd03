package io.orderflow.runtime.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span attributes of NATS publishes and deliveries: the OpenTelemetry messaging conventions where they
 * have a name (they have no value for NATS, so {@code messaging.system} is "nats"), orderflow's own otherwise.
 */
public final class MessagingAttributes {
  public static final String NATS = "nats";
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
  public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  public static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  public static final AttributeKey<Long> DELIVERY_COUNT = AttributeKey.longKey("messaging.nats.delivery_count");
  public static final AttributeKey<Long> STREAM_SEQUENCE = AttributeKey.longKey("messaging.nats.stream_sequence");
  public static final AttributeKey<Boolean> DUPLICATE = AttributeKey.booleanKey("messaging.nats.duplicate");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("orderflow.outcome");
  public static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("orderflow.order_id");
  public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("orderflow.event_type");

  private MessagingAttributes() {}
}
