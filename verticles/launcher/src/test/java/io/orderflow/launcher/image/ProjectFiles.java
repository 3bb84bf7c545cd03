package io.orderflow.launcher.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's files the image is built from, and what the image checks read from them. */
final class ProjectFiles {
  static final String SERVICE_MODULE = "verticles/launcher";
  static final String DEV_MODULE = "verticles/app";
  private static final Pattern DOCUMENTED_DEFAULT = Pattern.compile("^#?\\s*([a-z][a-z0-9.-]*)=(\\S+)\\s*$");

  private ProjectFiles() {}

  /** The repository's root: Maven passes it to tests; from an IDE, the nearest folder above with a Dockerfile and mvnw. */
  static Path root() {
    String fromMaven = System.getProperty("orderflow.projectRoot");
    if (fromMaven != null && !fromMaven.isBlank()) return Path.of(fromMaven).toAbsolutePath().normalize();
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve(SERVICE_MODULE))) return p;
    }
    throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
  }

  static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative, e);
    }
  }

  static Dockerfile dockerfile() {
    return Dockerfile.parse(read("Dockerfile"));
  }

  static DockerIgnore dockerIgnore() {
    return DockerIgnore.parse(read(".dockerignore"));
  }

  static Pom pom(String module) {
    return Pom.parse(read(module.isEmpty() ? "pom.xml" : module + "/pom.xml"), root().resolve(module));
  }

  static Pom servicePom() {
    return pom(SERVICE_MODULE);
  }

  /**
   * The settings config/orderflow.properties documents, each with its default: the file lists every key
   * commented out with the built-in default ({@code # http.port=8080}); an uncommented line changes it.
   */
  static Map<String, String> documentedDefaults() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : read("config/orderflow.properties").split("\r?\n")) {
      Matcher m = DOCUMENTED_DEFAULT.matcher(line.strip());
      if (m.matches()) out.put(m.group(1), m.group(2));
    }
    return out;
  }

  static int documentedPort(String key) {
    String value = documentedDefaults().get(key);
    if (value == null) throw new IllegalStateException("config/orderflow.properties documents no default for " + key);
    return Integer.parseInt(value);
  }

  /** The production jar, relative to the repository root: the shade plugin's outputFile in the launcher's pom. */
  static String serviceJar() {
    Pom pom = servicePom();
    String out = pom.text("/project/build/plugins/plugin[artifactId='maven-shade-plugin']/executions/execution/configuration/outputFile")
        .orElseThrow(() -> new IllegalStateException(SERVICE_MODULE + "/pom.xml: the shade plugin names no outputFile"));
    return relative(Path.of(out));
  }

  /** The development jar, relative to the repository root: verticles/app's finalName, replaced by its shaded jar. */
  static String devJar() {
    Pom pom = pom(DEV_MODULE);
    String name = pom.text("/project/build/finalName").orElseGet(() -> "app-" + pom.version());
    return relative(pom.basedir().resolve("target").resolve(name + ".jar"));
  }

  /** The Main-Class the shade plugin writes into the production jar's manifest. */
  static String shadedMainClass() {
    return servicePom().text("//plugin[artifactId='maven-shade-plugin']//transformer/mainClass")
        .orElseThrow(() -> new IllegalStateException(SERVICE_MODULE + "/pom.xml: the shade plugin sets no Main-Class"));
  }

  /** The Java release the code is compiled for (the parent pom's maven.compiler.release). */
  static int javaRelease() {
    return Integer.parseInt(pom("").text("/project/properties/maven.compiler.release")
        .orElseThrow(() -> new IllegalStateException("pom.xml sets no maven.compiler.release")));
  }

  private static String relative(Path path) {
    return root().relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }
}
