package io.orderflow.chaos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the services asked of the broker, from nats-server's monitoring endpoint: messages stored in any
 * stream (events, key-value entries, audit blocks, hand-offs: the writes), deliveries to consumers (each
 * acked once), and every message the services' own connections sent. A snapshot; a measurement is the
 * difference of two.
 */
record BrokerCounters(long stored, long delivered, long servicesSent) {
  /** Deliveries to acknowledging consumers per order between two snapshots (about ten for a paid order). */
  static double deliveriesPerOrder(BrokerCounters before, BrokerCounters after, long orders) {
    return orders <= 0 ? 0 : (double) (after.delivered - before.delivered) / orders;
  }

  /** The services' connections are named {@code orderflow-<service>}; the bench's and the harness's are not counted. */
  private static boolean service(String name) {
    return name != null && name.startsWith("orderflow-") && !name.startsWith("orderflow-bench") && !name.equals("orderflow-chaos");
  }

  static BrokerCounters read(Http http, String monitor) throws Exception {
    JsonObject jsz = http.getJson(monitor + "/jsz?accounts=true&streams=true&consumers=true");
    long stored = 0;
    long delivered = 0;
    for (Object a : jsz.getJsonArray("account_details", new JsonArray())) {
      for (Object s : ((JsonObject) a).getJsonArray("stream_detail", new JsonArray())) {
        JsonObject stream = (JsonObject) s;
        if (stream.getString("name", "").startsWith("BENCH_")) continue; // the bare pipeline's, not the services'
        stored += stream.getJsonObject("state", new JsonObject()).getLong("last_seq", 0L);
        for (Object c : stream.getJsonArray("consumer_detail", new JsonArray())) {
          JsonObject consumer = (JsonObject) c;
          // Only consumers whose deliveries are acknowledged: ordered consumers (stream tails, watches) ack nothing.
          String ackPolicy = consumer.getJsonObject("config", new JsonObject()).getString("ack_policy", "none");
          if (ackPolicy.equals("none")) continue;
          delivered += consumer.getJsonObject("delivered", new JsonObject()).getLong("consumer_seq", 0L);
        }
      }
    }
    long sent = 0;
    JsonObject connz = http.getJson(monitor + "/connz?limit=1024");
    for (Object c : connz.getJsonArray("connections", new JsonArray())) {
      JsonObject conn = (JsonObject) c;
      if (service(conn.getString("name"))) sent += conn.getLong("in_msgs", 0L);
    }
    return new BrokerCounters(stored, delivered, sent);
  }

  /**
   * Per order between two snapshots: writes (messages stored) and reads (everything else the services sent
   * that is not an acknowledgement: key-value and stream lookups, JetStream API calls, pull requests).
   */
  static double[] perOrder(BrokerCounters before, BrokerCounters after, long orders) {
    if (orders <= 0) return new double[] {0, 0};
    long writes = after.stored - before.stored;
    long acks = after.delivered - before.delivered;
    long sent = after.servicesSent - before.servicesSent;
    return new double[] {(double) writes / orders, (double) Math.max(0, sent - writes - acks) / orders};
  }
}
