package io.orderflow.runtime.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/** Span attributes of HTTP requests, served and sent, as the OpenTelemetry HTTP conventions name them. */
public final class HttpAttributes {
  public static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  public static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");
  public static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private HttpAttributes() {}
}
