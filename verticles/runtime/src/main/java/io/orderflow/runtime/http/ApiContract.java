package io.orderflow.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The public API's contract, {@code config/openapi.yaml} (packed in the jar), enforced by Vert.x's OpenAPI
 * validator: a route names its operation ({@code router.post("/orders").handler(auth...).handler(contract.validate("placeOrder"))})
 * and a request that does not fit it never reaches the handler: {@code 400} naming what is wrong, {@code 415}
 * for a body that is not JSON. The handlers then only map the validated body to the domain.
 * <p>
 * Validation runs on the event loop with the validator's own checks ({@link RequestValidatorImpl#validateParameter},
 * {@link RequestValidatorImpl#validateBody}), each schema's validator made once: Vert.x's {@code validate(request)}
 * hops to a worker thread for every request and builds a new schema validator (a copy of the contract's schema
 * index) for every parameter and body it checks. Profiled at 110 orders/s that was 18 % of the services' CPU
 * and a queue on the worker pool; the checks and their verdicts are the same.
 */
public final class ApiContract {
  public static final String RESOURCE = "orderflow/openapi.yaml";
  public static final String PATH = "/openapi.yaml";

  private final OpenAPIContract contract;
  private final RequestValidatorImpl validator;
  private final String yaml;
  private final RequestExtractor extractor = RequestExtractor.withBodyHandler();

  private ApiContract(Vertx vertx, OpenAPIContract contract, String yaml) {
    this.contract = contract;
    this.validator = new RequestValidatorImpl(vertx, SchemaValidatorCache.around(contract));
    this.yaml = yaml;
  }

  public static Future<ApiContract> load(Vertx vertx) {
    String yaml;
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) return Future.failedFuture(new IllegalStateException("the API contract " + RESOURCE + " is not on the classpath"));
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return OpenAPIContract.from(vertx, new JsonObject(tree)).map(c -> new ApiContract(vertx, c, yaml));
  }

  /** Serves the contract itself, to anyone. */
  public void serve(Router router) {
    router.get(PATH).handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(yaml));
  }

  /** Lets through only requests that fit the operation; fails at mount time for an operation the contract lacks. */
  public Handler<RoutingContext> validate(String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) throw new IllegalArgumentException("the API contract has no operation " + operationId);
    boolean hasBody = operation.getRequestBody() != null;
    return ctx -> {
      if (hasBody) {
        Problem wrong = bodyProblem(ctx);
        if (wrong != null) {
          wrong.send(ctx);
          return;
        }
      }
      extractor.extractValidatableRequest(ctx, operation)
          .map(request -> {
            check(operation, request);
            return request;
          })
          .onSuccess(valid -> ctx.next())
          .onFailure(e -> refusal(e).send(ctx));
    };
  }

  /** What {@code RequestValidatorImpl.validate} checks, in its order: every parameter where it is, then the body. */
  private void check(Operation operation, ValidatableRequest request) {
    for (Parameter p : operation.getParameters()) {
      Map<String, RequestParameter> where = switch (p.getIn()) {
        case COOKIE -> request.getCookies();
        case HEADER -> request.getHeaders();
        case PATH -> request.getPathParameters();
        case QUERY -> request.getQuery();
      };
      validator.validateParameter(p, where.get(p.getName()));
    }
    if (operation.getRequestBody() != null) validator.validateBody(operation.getRequestBody(), request);
  }

  /** A body that is not JSON (415), or JSON a lenient parser would read one way and a strict one another (400). */
  private static Problem bodyProblem(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].trim();
    if (!media.equalsIgnoreCase("application/json")) {
      return Problem.of(415, "Unsupported Media Type", "the body must be application/json" + (type == null ? " (no Content-Type given)" : ", not " + media));
    }
    var body = ctx.body().buffer();
    return StrictJson.problem(body == null ? io.vertx.core.buffer.Buffer.buffer() : body).map(Problem::badRequest).orElse(null);
  }

  static Problem refusal(Throwable e) {
    if (e instanceof ValidatorException v) {
      String detail = e instanceof SchemaValidationException s && s.getOutputUnit() != null ? where(s) + e.getMessage() : e.getMessage();
      boolean mediaType = v.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && detail != null && detail.contains("body");
      return mediaType ? Problem.of(415, "Unsupported Media Type", "the body must be application/json") : Problem.badRequest(detail);
    }
    return Problem.badRequest("the request does not fit the API contract: " + e.getMessage());
  }

  /** The JSON pointer of the offending value, when the validator knows it ("items/0/quantity: "). */
  private static String where(SchemaValidationException s) {
    String at = s.getOutputUnit().getInstanceLocation();
    return at == null || at.isEmpty() || at.equals("#") ? "" : at.replaceFirst("^#?/?", "") + ": ";
  }
}
