package io.orderflow.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Optional;

/**
 * One streaming pass over a request body before anything else reads it, refusing what a lenient parser would
 * quietly resolve: a key given twice (which one wins differs between parsers, so a proxy and this service could
 * read different orders), nesting deeper than any request of ours needs, and numbers far longer than any field
 * allows (strings are bounded by the body limit and the contract). Nothing is built; the pass costs about as
 * much as reading the bytes.
 */
final class StrictJson {
  static final int MAX_DEPTH = 16;
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(32).build())
      .build();

  private StrictJson() {}

  /** Why the body is refused, or empty when it is one well-formed JSON value. */
  static Optional<String> problem(Buffer body) {
    try (JsonParser p = FACTORY.createParser(body.getBytes())) {
      if (p.nextToken() == null) return Optional.of("the body is empty");
      p.skipChildren();
      return p.nextToken() == null ? Optional.empty() : Optional.of("the body holds more than one JSON value");
    } catch (JsonProcessingException e) {
      return Optional.of("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Optional.of("unreadable body: " + e.getMessage());
    }
  }
}
