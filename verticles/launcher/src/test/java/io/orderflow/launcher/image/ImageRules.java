package io.orderflow.launcher.image;

import io.orderflow.launcher.Main;
import io.orderflow.launcher.image.Dockerfile.Command;
import io.orderflow.launcher.image.Dockerfile.Copy;
import io.orderflow.launcher.image.Dockerfile.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the image files must say, as checks that return the problems they find (empty: all is well), so
 * that the same checks run on the repository's files and on deliberately broken copies of them.
 */
final class ImageRules {
  static final String SERVICE_STAGE = "service";
  static final String DEVTOOLS_STAGE = "devtools";
  static final String IMAGE_NAME = "orderflow";
  static final String CONFIG_FILE = "config/orderflow.properties";
  private static final Pattern NUMERIC_USER = Pattern.compile("(\\d+):(\\d+)");
  private static final Pattern JAVA_MAJOR = Pattern.compile("(?:temurin|openjdk|jdk|jre)[-:]?(\\d+)");
  private static final Pattern MAX_RAM = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");

  /** What the build says the images must hold, read from the repository (see {@link #fromProject()}). */
  record Expected(String serviceJar, String devJar, Set<String> servicePorts, Set<String> devPorts, int javaRelease,
      String version, String mainClass, Path configDir) {}

  private ImageRules() {}

  static Expected fromProject() {
    return new Expected(ProjectFiles.serviceJar(), ProjectFiles.devJar(),
        Set.of(port("http.port"), port("mgmt.port")), Set.of(port("psp.port"), port("smtp.port")),
        ProjectFiles.javaRelease(), ProjectFiles.servicePom().version(), ProjectFiles.shadedMainClass(),
        ProjectFiles.root().resolve("config"));
  }

  private static String port(String key) {
    return String.valueOf(ProjectFiles.documentedPort(key));
  }

  /** The production image, the Dockerfile's default target. */
  static List<String> serviceImage(Dockerfile df, Expected expected) {
    List<String> problems = new ArrayList<>();
    Stage stage = df.defaultTarget();
    if (!SERVICE_STAGE.equals(stage.name())) {
      problems.add("the default target (the last stage) is '" + stage.name() + "', not '" + SERVICE_STAGE + "'");
    }
    problems.addAll(runtimeStage(df, stage, expected, expected.serviceJar(), expected.servicePorts()));
    Optional<Command> cmd = stage.cmd();
    if (cmd.isEmpty() || !cmd.get().execForm() || !cmd.get().argv().equals(List.of("service"))) {
      problems.add("CMD must be [\"service\"] (the command that reads ORDERFLOW_SERVICE), is " + cmd.map(Command::argv).orElse(null));
    } else if (!Main.commandLine().getSubcommands().containsKey("service")) {
      problems.add("CMD names 'service', which the launcher does not have");
    }
    for (Copy copy : stage.copies()) {
      String source = contextPath(df, copy).orElse(copy.sources().toString());
      if (!source.equals(expected.serviceJar()) && !source.equals(CONFIG_FILE)) {
        problems.add("line " + copy.line() + ": the production image copies " + source + "; it holds only "
            + expected.serviceJar() + " and " + CONFIG_FILE);
      }
    }
    if (!stage.runs().isEmpty()) problems.add("the production stage runs commands (RUN): it adds the jar and the configuration, nothing else");
    Map<String, String> labels = stage.labels();
    for (String key : List.of("org.opencontainers.image.title", "org.opencontainers.image.description", "org.opencontainers.image.version")) {
      if (!labels.containsKey(key)) problems.add("the production image has no label " + key);
    }
    String version = labels.get("org.opencontainers.image.version");
    if (version != null && !version.equals(expected.version())) {
      problems.add("label org.opencontainers.image.version defaults to " + version + ", the project is " + expected.version());
    }
    return problems;
  }

  /** The development image: psp-sim and the SMTP sink, from the development jar. */
  static List<String> devtoolsImage(Dockerfile df, Expected expected) {
    Optional<Stage> found = df.stage(DEVTOOLS_STAGE);
    if (found.isEmpty()) return List.of("no stage named '" + DEVTOOLS_STAGE + "'");
    Stage stage = found.get();
    List<String> problems = new ArrayList<>(runtimeStage(df, stage, expected, expected.devJar(), expected.devPorts()));
    Map<String, String> env = stage.env();
    if (!"0.0.0.0".equals(env.get("ORDERFLOW_SMTP_BIND"))) problems.add("the SMTP sink must bind every interface in a container (ORDERFLOW_SMTP_BIND=0.0.0.0)");
    if (!env.getOrDefault("ORDERFLOW_MAIL_DIR", "").startsWith("/tmp/")) problems.add("the SMTP sink must write its mails under /tmp (ORDERFLOW_MAIL_DIR)");
    if (!Objects.equals(jvmFlags(stage), jvmFlags(df.defaultTarget()))) problems.add("the devtools image runs with other JVM flags than the production image");
    return problems;
  }

  /** The build stage the runtime stages copy from: the repository's Maven wrapper, building both jars. */
  static List<String> buildStage(Dockerfile df, Expected expected) {
    List<String> problems = new ArrayList<>();
    Set<String> sources = new HashSet<>();
    for (Stage s : df.stages()) s.copies().forEach(c -> c.from().ifPresent(sources::add));
    for (String name : sources) {
      Optional<Stage> build = df.stage(name);
      if (build.isEmpty()) {
        problems.add("COPY --from=" + name + " names no stage of this Dockerfile");
        continue;
      }
      Stage stage = build.get();
      if (javaMajor(stage.image()) < expected.javaRelease()) problems.add("the build image " + stage.image() + " is not a JDK " + expected.javaRelease() + "+");
      if (contextRoot(stage).isEmpty()) problems.add("the build stage '" + name + "' does not copy the context (COPY . DIR)");
      String mvn = stage.runs().stream().filter(r -> r.contains("./mvnw")).findFirst().orElse(null);
      if (mvn == null || !mvn.matches(".*\\bpackage\\b.*")) {
        problems.add("the build stage '" + name + "' does not run the repository's ./mvnw ... package");
      } else {
        Matcher pl = Pattern.compile("(?:-pl|--projects)[= ](\\S+)").matcher(mvn);
        if (pl.find()) {
          List<String> modules = List.of(pl.group(1).split(","));
          for (String m : List.of(ProjectFiles.SERVICE_MODULE, ProjectFiles.DEV_MODULE)) {
            if (!modules.contains(m)) problems.add("the build stage's -pl leaves out " + m);
          }
        }
      }
    }
    return problems;
  }

  /** Jib's image must be the Dockerfile's production image. */
  static List<String> jibMatchesDockerfile(Optional<JibConfiguration> found, Dockerfile df, Expected expected) {
    if (found.isEmpty()) return List.of("no jib-maven-plugin in " + ProjectFiles.SERVICE_MODULE + "/pom.xml");
    JibConfiguration jib = found.get();
    Stage stage = df.defaultTarget();
    List<String> problems = new ArrayList<>();
    if (jib.version().isBlank()) problems.add("Jib's version is not pinned");
    if (jib.boundToPhase()) problems.add("Jib is bound to a phase: ./mvnw verify would try to build (and push) an image");
    same(problems, "base image (from.image / FROM)", jib.fromImage(), stage.image());
    same(problems, "image name (to.image)", jib.toImage(), IMAGE_NAME);
    same(problems, "main class (container.mainClass / the jar's Main-Class)", jib.mainClass(), expected.mainClass());
    same(problems, "JVM flags", jib.jvmFlags(), jvmFlags(stage));
    same(problems, "arguments (container.args / CMD)", jib.args(), stage.cmd().map(Command::argv).orElse(List.of()));
    same(problems, "ports", Set.copyOf(jib.ports()), stage.exposedPorts());
    same(problems, "user", jib.user(), stage.user().orElse(""));
    same(problems, "working directory", jib.workingDirectory(), stage.workdir().orElse(""));
    same(problems, "labels", jib.labels(), stage.labels());
    String configInto = stage.workdir().orElse("/app") + "/config";
    boolean config = jib.extraDirectories().stream().anyMatch(x -> x.into().equals(configInto)
        && Path.of(x.from()).toAbsolutePath().normalize().equals(expected.configDir().toAbsolutePath().normalize())
        && x.includes().contains("orderflow.properties"));
    if (!config) problems.add("Jib does not put " + CONFIG_FILE + " into " + configInto + " (extraDirectories)");
    return problems;
  }

  /** The build context keeps what the build stage needs and leaves out build output and local state. */
  static List<String> dockerIgnore(DockerIgnore ignore, List<String> needed, List<String> leftOut) {
    List<String> problems = new ArrayList<>();
    needed.stream().filter(ignore::excludes).forEach(p -> problems.add(".dockerignore leaves out " + p + ", which the build needs"));
    leftOut.stream().filter(p -> !ignore.excludes(p)).forEach(p -> problems.add(".dockerignore sends " + p + " into the build context"));
    return problems;
  }

  /** The JVM flags of a stage's ENTRYPOINT: what stands between "java" and "-jar". */
  static List<String> jvmFlags(Stage stage) {
    List<String> argv = stage.entrypoint().map(Command::argv).orElse(List.of());
    int jar = argv.indexOf("-jar");
    return jar < 1 ? List.of() : argv.subList(1, jar);
  }

  /** Where a COPY's (single) source lies in the repository, when it comes from a stage that copied the context. */
  static Optional<String> contextPath(Dockerfile df, Copy copy) {
    if (copy.sources().size() != 1) return Optional.empty();
    String source = copy.sources().getFirst();
    if (copy.from().isEmpty()) return Optional.of(source.replaceFirst("^\\./", ""));
    Optional<String> root = df.stage(copy.from().get()).flatMap(ImageRules::contextRoot);
    if (root.isEmpty() || !source.startsWith(root.get() + "/")) return Optional.empty();
    return Optional.of(source.substring(root.get().length() + 1));
  }

  /** The folder a stage copied the whole build context into (COPY . DIR), absolute. */
  static Optional<String> contextRoot(Stage stage) {
    for (Copy c : stage.copies()) {
      if (c.from().isEmpty() && c.sources().equals(List.of("."))) {
        String dest = c.destination();
        String dir = dest.equals(".") || dest.equals("./") ? stage.workdir().orElse("/")
            : dest.startsWith("/") ? dest : stage.workdir().orElse("") + "/" + dest;
        return Optional.of(dir.replaceAll("/+$", "").replaceAll("/\\./?", "/"));
      }
    }
    return Optional.empty();
  }

  private static List<String> runtimeStage(Dockerfile df, Stage stage, Expected expected, String jar, Set<String> ports) {
    List<String> problems = new ArrayList<>();
    String name = "stage '" + stage.name() + "'";
    if (!stage.image().contains("jre") || javaMajor(stage.image()) < expected.javaRelease()) {
      problems.add(name + ": base image " + stage.image() + " is not a JRE " + expected.javaRelease() + "+");
    }
    String user = stage.user().orElse(null);
    Matcher numeric = user == null ? null : NUMERIC_USER.matcher(user);
    if (numeric == null || !numeric.matches()) {
      problems.add(name + ": USER must be a numeric uid:gid (Kubernetes can then check runAsNonRoot), is " + user);
    } else if (Long.parseLong(numeric.group(1)) == 0 || Long.parseLong(numeric.group(2)) == 0) {
      problems.add(name + ": USER " + user + " is root (uid or gid 0)");
    }
    if (!stage.workdir().orElse("").equals("/app")) problems.add(name + ": WORKDIR is " + stage.workdir().orElse(null) + ", not /app");
    same(problems, name + ": EXPOSE", stage.exposedPorts(), ports);

    Command entrypoint = stage.entrypoint().orElse(null);
    if (entrypoint == null || !entrypoint.execForm()) {
      problems.add(name + ": ENTRYPOINT must be in exec form (a JSON array), so that java is PID 1 and gets SIGTERM");
      return problems;
    }
    List<String> argv = entrypoint.argv();
    int dashJar = argv.indexOf("-jar");
    if (!argv.getFirst().equals("java") || dashJar != argv.size() - 2) {
      problems.add(name + ": ENTRYPOINT must be [\"java\", flags..., \"-jar\", JAR], is " + argv);
      return problems;
    }
    String jarInImage = argv.getLast();
    Optional<Copy> copied = stage.copies().stream().filter(c -> c.destination().equals(jarInImage)).findFirst();
    if (copied.isEmpty()) {
      problems.add(name + ": ENTRYPOINT runs " + jarInImage + ", which no COPY of this stage puts there");
    } else if (!contextPath(df, copied.get()).orElse("").equals(jar)) {
      problems.add(name + ": ENTRYPOINT runs " + jarInImage + ", copied from " + copied.get().sources()
          + ", not from the build stage's " + jar);
    }
    Optional<Copy> config = stage.copies().stream().filter(c -> contextPath(df, c).orElse("").equals(CONFIG_FILE)).findFirst();
    if (config.isEmpty() || !config.get().destination().equals(stage.workdir().orElse("") + "/" + CONFIG_FILE)) {
      problems.add(name + ": " + CONFIG_FILE + " must be copied to WORKDIR/" + CONFIG_FILE + ", where the launcher reads it");
    }
    problems.addAll(containerFlags(name, argv.subList(1, dashJar)));
    return problems;
  }

  /** JVM flags for a container with a memory limit and a read-only root file system. */
  private static List<String> containerFlags(String name, List<String> flags) {
    List<String> problems = new ArrayList<>();
    Optional<Double> ram = flags.stream().map(MAX_RAM::matcher).filter(Matcher::matches).map(m -> Double.parseDouble(m.group(1))).findFirst();
    if (ram.isEmpty() || ram.get() <= 0 || ram.get() > 90) {
      problems.add(name + ": the JVM flags must size the heap from the container's limit (-XX:MaxRAMPercentage=1..90), are " + flags);
    }
    if (!flags.contains("-XX:+ExitOnOutOfMemoryError")) problems.add(name + ": the JVM flags lack -XX:+ExitOnOutOfMemoryError");
    if (flags.stream().anyMatch(f -> f.startsWith("-Xmx") || f.startsWith("-XX:MaxHeapSize") || f.equals("-XX:-UseContainerSupport"))) {
      problems.add(name + ": a fixed heap or -XX:-UseContainerSupport ignores the container's memory limit");
    }
    if (!flags.contains("-Djava.io.tmpdir=/tmp")) problems.add(name + ": temporary files must go to /tmp (-Djava.io.tmpdir=/tmp)");
    for (String f : flags) {
      Matcher path = Pattern.compile("-XX:(?:ErrorFile|HeapDumpPath)=(.*)").matcher(f);
      if (path.matches() && !path.group(1).startsWith("/tmp/")) problems.add(name + ": " + f + " writes outside /tmp");
    }
    return problems;
  }

  private static void same(List<String> problems, String what, Object actual, Object wanted) {
    if (!Objects.equals(actual, wanted)) problems.add(what + " differ: " + actual + " vs " + wanted);
  }

  private static int javaMajor(String image) {
    Matcher m = JAVA_MAJOR.matcher(image);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
