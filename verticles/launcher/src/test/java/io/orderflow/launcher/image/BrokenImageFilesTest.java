package io.orderflow.launcher.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image checks can fail: each case breaks one thing in a copy of the repository's file (the last
 * occurrence of the text, which in the Dockerfile is the production stage) and expects the check to name it.
 */
class BrokenImageFilesTest {
  static final ImageRules.Expected EXPECTED = ImageRules.fromProject();
  static final String DOCKERFILE = ProjectFiles.read("Dockerfile");
  static final String POM = ProjectFiles.read(ProjectFiles.SERVICE_MODULE + "/pom.xml");
  static final String DOCKERIGNORE = ProjectFiles.read(".dockerignore");
  static final String SERVICE_JAR_ENTRY = "\"-jar\", \"/app/orderflow-service.jar\"]";
  static final String SERVICE_JAR_COPY = "COPY --from=build /src/verticles/launcher/target/orderflow-service.jar /app/orderflow-service.jar";

  static Stream<Arguments> brokenProductionStages() {
    return Stream.of(
        arguments("USER root", "USER 10001:10001", "USER root", "USER must be a numeric uid:gid"),
        arguments("USER 0:0", "USER 10001:10001", "USER 0:0", "is root"),
        arguments("no group", "USER 10001:10001", "USER 10001", "USER must be a numeric uid:gid"),
        arguments("no USER", "USER 10001:10001\n", "", "USER must be a numeric uid:gid"),
        arguments("ENTRYPOINT on another jar", SERVICE_JAR_ENTRY, "\"-jar\", \"/app/orderflow.jar\"]", "which no COPY of this stage puts there"),
        arguments("shell-form ENTRYPOINT", "ENTRYPOINT [", "ENTRYPOINT java -jar /app/orderflow-service.jar #[", "exec form"),
        arguments("a main class instead of -jar", SERVICE_JAR_ENTRY, "\"-cp\", \"/app/orderflow-service.jar\", \"io.orderflow.launcher.Main\"]", "[\"java\", flags..., \"-jar\", JAR]"),
        arguments("no MaxRAMPercentage", "\"-XX:MaxRAMPercentage=75\", ", "", "MaxRAMPercentage"),
        arguments("no ExitOnOutOfMemoryError", "\"-XX:+ExitOnOutOfMemoryError\", ", "", "lack -XX:+ExitOnOutOfMemoryError"),
        arguments("a fixed heap", "\"-XX:+ExitOnOutOfMemoryError\", ", "\"-XX:+ExitOnOutOfMemoryError\", \"-Xmx512m\", ", "fixed heap"),
        arguments("temporary files in the read-only root", "\"-Djava.io.tmpdir=/tmp\", ", "", "-Djava.io.tmpdir=/tmp"),
        arguments("crash logs in the read-only root", "-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-XX:ErrorFile=/app/hs_err_pid%p.log", "writes outside /tmp"),
        arguments("one port missing", "EXPOSE 8080 9080", "EXPOSE 8080", "EXPOSE differ"),
        arguments("the dev jar under the service jar's name", SERVICE_JAR_COPY,
            "COPY --from=build /src/verticles/app/target/orderflow.jar /app/orderflow-service.jar", "not from the build stage's verticles/launcher/target/orderflow-service.jar"),
        arguments("the dev jar as well", SERVICE_JAR_COPY,
            SERVICE_JAR_COPY + "\nCOPY --from=build /src/verticles/app/target/orderflow.jar /app/orderflow.jar", "the production image copies verticles/app/target/orderflow.jar"),
        arguments("no configuration file", "COPY --from=build /src/config/orderflow.properties /app/config/orderflow.properties\nUSER", "USER", "config/orderflow.properties must be copied"),
        arguments("a service baked in", "CMD [\"service\"]", "CMD [\"service\", \"orders\"]", "CMD must be [\"service\"]"),
        arguments("a JRE too old", "FROM eclipse-temurin:21-jre AS service", "FROM eclipse-temurin:17-jre AS service", "is not a JRE 21+"),
        arguments("a JDK, not a JRE", "FROM eclipse-temurin:21-jre AS service", "FROM eclipse-temurin:21-jdk AS service", "is not a JRE 21+"),
        arguments("a command run in the production stage", "USER 10001:10001", "RUN mkdir /app/data\nUSER 10001:10001", "runs commands"),
        arguments("another stage last", "CMD [\"service\"]", "CMD [\"service\"]\nFROM eclipse-temurin:21-jre AS other", "the default target (the last stage) is 'other'"),
        arguments("no version label", " \\\n      org.opencontainers.image.version=\"${VERSION}\"", "", "no label org.opencontainers.image.version"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenProductionStages")
  void aBrokenProductionStageIsCaught(String what, String text, String replacement, String problem) {
    Dockerfile broken = Dockerfile.parse(replaceLast(DOCKERFILE, text, replacement));
    assertThat(ImageRules.serviceImage(broken, EXPECTED)).anySatisfy(p -> assertThat(p).contains(problem));
  }

  static Stream<Arguments> brokenDevtoolsStages() {
    return Stream.of(
        arguments("USER root", "USER 10001:10001", "USER root", "USER must be a numeric uid:gid"),
        arguments("the service jar instead", "/src/verticles/app/target/orderflow.jar /app/orderflow.jar",
            "/src/verticles/launcher/target/orderflow-service.jar /app/orderflow.jar", "not from the build stage's verticles/app/target/orderflow.jar"),
        arguments("the SMTP sink on loopback", "ORDERFLOW_SMTP_BIND=0.0.0.0", "ORDERFLOW_SMTP_BIND=127.0.0.1", "ORDERFLOW_SMTP_BIND=0.0.0.0"),
        arguments("mails in the read-only root", "ORDERFLOW_MAIL_DIR=/tmp/mail", "ORDERFLOW_MAIL_DIR=/app/mail", "under /tmp"),
        arguments("no psp-sim port", "EXPOSE 8090 2525", "EXPOSE 2525", "EXPOSE differ"),
        arguments("other JVM flags", "\"-XX:-UsePerfData\", ", "", "other JVM flags"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDevtoolsStages")
  void aBrokenDevtoolsStageIsCaught(String what, String text, String replacement, String problem) {
    Dockerfile broken = Dockerfile.parse(replaceFirst(DOCKERFILE, text, replacement));
    assertThat(ImageRules.devtoolsImage(broken, EXPECTED)).anySatisfy(p -> assertThat(p).contains(problem));
  }

  static Stream<Arguments> brokenBuildStages() {
    return Stream.of(
        arguments("the dev jar not built", "-pl verticles/launcher,verticles/app", "-pl verticles/launcher", "leaves out verticles/app"),
        arguments("no Maven wrapper", "sh ./mvnw", "mvn", "does not run the repository's ./mvnw"),
        arguments("no context copied", "COPY . .\n", "", "does not copy the context"),
        arguments("a JDK too old", "maven:3.9-eclipse-temurin-21", "maven:3.9-eclipse-temurin-17", "is not a JDK 21+"),
        arguments("a stage that is not there", "COPY --from=build /src/config", "COPY --from=builder /src/config", "names no stage"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenBuildStages")
  void aBrokenBuildStageIsCaught(String what, String text, String replacement, String problem) {
    Dockerfile broken = Dockerfile.parse(replaceFirst(DOCKERFILE, text, replacement));
    assertThat(ImageRules.buildStage(broken, EXPECTED)).anySatisfy(p -> assertThat(p).contains(problem));
  }

  static Stream<Arguments> jibOutOfStep() {
    return Stream.of(
        arguments("a JVM flag dropped", pom("<jvmFlag>-XX:-UsePerfData</jvmFlag>", ""), DOCKERFILE, "JVM flags differ"),
        arguments("a JVM flag dropped from the Dockerfile only", POM, replaceLast(DOCKERFILE, "\"-XX:-UsePerfData\", ", ""), "JVM flags differ"),
        arguments("root", pom("<user>10001:10001</user>", "<user>0</user>"), DOCKERFILE, "user differ"),
        arguments("another port", pom("<port>9080</port>", "<port>9090</port>"), DOCKERFILE, "ports differ"),
        arguments("another main class", pom("<mainClass>io.orderflow.launcher.Main</mainClass>\n            <!--", "<mainClass>io.orderflow.app.Main</mainClass>\n            <!--"), DOCKERFILE, "main class"),
        arguments("another base image", pom("<from><image>eclipse-temurin:21-jre</image></from>", "<from><image>eclipse-temurin:25-jre</image></from>"), DOCKERFILE, "base image"),
        arguments("a service baked in", pom("<args><arg>service</arg></args>", "<args><arg>service</arg><arg>orders</arg></args>"), DOCKERFILE, "arguments"),
        arguments("another working directory", pom("<workingDirectory>/app</workingDirectory>", "<workingDirectory>/srv</workingDirectory>"), DOCKERFILE, "working directory"),
        arguments("no configuration file", pom("<into>/app/config</into>", "<into>/config</into>"), DOCKERFILE, "extraDirectories"),
        arguments("bound to package", pom("<artifactId>jib-maven-plugin</artifactId>",
            "<artifactId>jib-maven-plugin</artifactId><executions><execution><phase>package</phase><goals><goal>build</goal></goals></execution></executions>"),
            DOCKERFILE, "bound to a phase"),
        arguments("no Jib at all", pom("<artifactId>jib-maven-plugin</artifactId>", "<artifactId>not-jib</artifactId>"), DOCKERFILE, "no jib-maven-plugin"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jibOutOfStep")
  void jibOutOfStepWithTheDockerfileIsCaught(String what, String pom, String dockerfile, String problem) {
    var jib = JibConfiguration.in(Pom.parse(pom, ProjectFiles.root().resolve(ProjectFiles.SERVICE_MODULE)));
    assertThat(ImageRules.jibMatchesDockerfile(jib, Dockerfile.parse(dockerfile), EXPECTED)).anySatisfy(p -> assertThat(p).contains(problem));
  }

  static Stream<Arguments> brokenDockerIgnores() {
    return Stream.of(
        arguments("no config", DOCKERIGNORE + "\nconfig\n", ".dockerignore leaves out config/orderflow.properties"),
        arguments("no poms", DOCKERIGNORE + "\n**/pom.xml\n", ".dockerignore leaves out verticles/launcher/pom.xml"),
        arguments("no wrapper", DOCKERIGNORE + "\n.mvn\n", ".dockerignore leaves out .mvn/wrapper/maven-wrapper.properties"),
        arguments("build output sent", replaceFirst(DOCKERIGNORE, "**/target\n", ""), ".dockerignore sends verticles/launcher/target/orderflow-service.jar"),
        arguments("build output sent again", DOCKERIGNORE + "\n!verticles/launcher/target\n", ".dockerignore sends verticles/launcher/target/orderflow-service.jar"),
        arguments("history sent", replaceFirst(DOCKERIGNORE, ".git\n", ""), ".dockerignore sends .git/HEAD"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDockerIgnores")
  void aBrokenDockerIgnoreIsCaught(String what, String dockerignore, String problem) {
    List<String> needed = List.of("pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties", "verticles/launcher/pom.xml",
        "verticles/launcher/src/main/java/io/orderflow/launcher/Main.java", "config/orderflow.properties");
    List<String> leftOut = List.of(".git/HEAD", "verticles/launcher/target/orderflow-service.jar", ".data/x");
    assertThat(ImageRules.dockerIgnore(DockerIgnore.parse(DOCKERIGNORE), needed, leftOut)).isEmpty();
    assertThat(ImageRules.dockerIgnore(DockerIgnore.parse(dockerignore), needed, leftOut)).anySatisfy(p -> assertThat(p).contains(problem));
  }

  private static String pom(String text, String replacement) {
    return replaceFirst(POM, text, replacement);
  }

  private static String replaceLast(String in, String text, String replacement) {
    int at = in.lastIndexOf(text);
    if (at < 0) throw new IllegalStateException("the file no longer contains " + text + ": update this case");
    return in.substring(0, at) + replacement + in.substring(at + text.length());
  }

  private static String replaceFirst(String in, String text, String replacement) {
    int at = in.indexOf(text);
    if (at < 0) throw new IllegalStateException("the file no longer contains " + text + ": update this case");
    return in.substring(0, at) + replacement + in.substring(at + text.length());
  }
}
