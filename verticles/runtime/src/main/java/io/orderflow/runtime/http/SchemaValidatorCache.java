package io.orderflow.runtime.http;

import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The contract as Vert.x's OpenAPI validator sees it, except that its schema repository makes each schema's
 * validator once: {@code SchemaRepository.validator(JsonSchema)} builds a new one (copying the repository's
 * schema index) on every call, and the request validator calls it for every parameter and body of every
 * request. A validator holds only final, read-only state, so one serves every event loop.
 */
final class SchemaValidatorCache {
  private SchemaValidatorCache() {}

  static OpenAPIContract around(OpenAPIContract contract) {
    SchemaRepository repository = cachingValidators(contract.getSchemaRepository());
    return proxy(OpenAPIContract.class, contract, (method, args) ->
        method.getName().equals("getSchemaRepository") && args == null ? repository : UNHANDLED);
  }

  private static SchemaRepository cachingValidators(SchemaRepository repository) {
    Map<JsonSchema, Validator> made = Collections.synchronizedMap(new IdentityHashMap<>());
    return proxy(SchemaRepository.class, repository, (method, args) -> {
      if (method.getName().equals("validator") && args != null && args.length == 1 && args[0] instanceof JsonSchema schema) {
        return made.computeIfAbsent(schema, repository::validator);
      }
      return UNHANDLED;
    });
  }

  private static final Object UNHANDLED = new Object();

  interface Intercept {
    Object call(Method method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, T target, Intercept intercept) {
    InvocationHandler handler = (self, method, args) -> {
      Object mine = intercept.call(method, args);
      if (mine != UNHANDLED) return mine;
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
