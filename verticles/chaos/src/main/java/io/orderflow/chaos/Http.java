package io.orderflow.chaos;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The harness's only HTTP client: the JDK's, with short timeouts so a hung process cannot hang a check. */
final class Http {
  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();

  CompletableFuture<Response> sendAsync(String method, String url, String body, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    headers.forEach(b::header);
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), r.body()));
  }

  /** Without credentials: probes, metrics, the broker's monitor and psp-sim, which need none. */
  Response send(String method, String url, String body) throws IOException, InterruptedException {
    return send(method, url, body, null);
  }

  /** With {@code authorization} (a {@link Tokens} header value) as the Authorization header; null: none. */
  Response send(String method, String url, String body, String authorization) throws IOException, InterruptedException {
    try {
      return sendAsync(method, url, body, authorization == null ? Map.of() : Map.of("Authorization", authorization), TIMEOUT).get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException(e.getCause());
    }
  }

  /** The status code, or 0 when nothing answered. */
  int status(String url) {
    try {
      return send("GET", url, null).status();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  JsonObject getJson(String url) throws IOException, InterruptedException {
    return getJson(url, null);
  }

  JsonObject getJson(String url, String authorization) throws IOException, InterruptedException {
    Response r = send("GET", url, null, authorization);
    if (r.status() != 200) throw new IOException("GET " + url + " answered " + r.status() + ": " + abbreviate(r.body()));
    return r.json();
  }

  static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
