package io.orderflow.chaos;

import io.orderflow.runtime.nats.NatsIdentities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local run's secrets, made once into {@code .data/secrets.env}, readable by this user only: a password
 * per NATS identity (the server's configuration and the services read the same variables) and psp-sim's admin
 * secret. A variable already set in the environment wins over the file.
 */
final class LocalSecrets {
  static final String PSP_ADMIN = "ORDERFLOW_PSP_ADMIN_SECRET";

  private LocalSecrets() {}

  /** Every secret by variable name; names the file lacks (an older file, a new identity) are added to it. */
  static Map<String, String> load(Path file) throws IOException {
    List<String> names = new ArrayList<>(NatsIdentities.randomPasswords().keySet());
    names.add(PSP_ADMIN);
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1));
    }
    StringBuilder added = new StringBuilder();
    for (String name : names) {
      if (!values.containsKey(name)) {
        String secret = NatsIdentities.randomPassword();
        values.put(name, secret);
        added.append(name).append('=').append(secret).append('\n');
      }
    }
    if (!added.isEmpty()) Files.writeString(file, added, StandardOpenOption.APPEND);
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      String set = System.getenv(name);
      out.put(name, set != null && !set.isBlank() ? set : values.get(name));
    }
    return out;
  }
}
