package io.orderflow.launcher.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small Dockerfile reader the image checks stand on reads what the builder reads. */
class DockerfileParserTest {

  @Test
  void readsStagesWithTheirNamesAndBaseImages() {
    Dockerfile df = Dockerfile.parse("""
        ARG BASE=x
        FROM maven:3.9 AS build
        RUN true
        from --platform=linux/amd64 eclipse-temurin:21-jre as service
        """);

    assertThat(df.stages()).extracting(Dockerfile.Stage::name, Dockerfile.Stage::image)
        .containsExactly(tuple("build", "maven:3.9"), tuple("service", "eclipse-temurin:21-jre"));
    assertThat(df.defaultTarget().name()).isEqualTo("service");
  }

  @Test
  void joinsContinuationLinesAndDropsCommentsBetweenThem() {
    Dockerfile df = Dockerfile.parse("""
        FROM x
        # a comment
        EXPOSE 8080 \\
        # a comment inside the instruction
            9080/tcp
        """);

    assertThat(df.defaultTarget().exposedPorts()).containsExactly("8080", "9080");
  }

  @Test
  void tellsExecFormFromShellForm() {
    Dockerfile df = Dockerfile.parse("""
        FROM x
        ENTRYPOINT ["java", "-jar", "/app/a.jar"]
        CMD service orders
        """);

    assertThat(df.defaultTarget().entrypoint()).contains(new Dockerfile.Command(List.of("java", "-jar", "/app/a.jar"), true));
    assertThat(df.defaultTarget().cmd()).contains(new Dockerfile.Command(List.of("/bin/sh", "-c", "service orders"), false));
  }

  @Test
  void anArrayThatIsNotJsonIsShellForm() {
    // Single quotes are not JSON: the builder runs the text through /bin/sh -c.
    Dockerfile df = Dockerfile.parse("FROM x\nENTRYPOINT ['java', '-jar', 'a.jar']\n");

    assertThat(df.defaultTarget().entrypoint().orElseThrow().execForm()).isFalse();
  }

  @Test
  void readsCopyFlagsSourcesAndDestination() {
    Dockerfile df = Dockerfile.parse("""
        FROM x
        COPY --from=build --chown=1:1 /src/a.jar /src/b.jar /app/
        COPY ["c d", "/app/e"]
        """);

    assertThat(df.defaultTarget().copies()).extracting(Dockerfile.Copy::from, Dockerfile.Copy::sources, Dockerfile.Copy::destination)
        .containsExactly(tuple(Optional.of("build"), List.of("/src/a.jar", "/src/b.jar"), "/app/"),
            tuple(Optional.empty(), List.of("c d"), "/app/e"));
  }

  @Test
  void substitutesTheStagesArgDefaultsAndResolvesRelativeWorkdirs() {
    Dockerfile df = Dockerfile.parse("""
        FROM x
        ARG VERSION=1.2
        ARG UID=10001
        LABEL a="v ${VERSION}" b=$VERSION
        USER ${UID}:${UID}
        WORKDIR /app
        WORKDIR sub
        ENV K=v L="w x"
        """);

    Dockerfile.Stage stage = df.defaultTarget();
    assertThat(stage.labels()).isEqualTo(Map.of("a", "v 1.2", "b", "1.2"));
    assertThat(stage.user()).contains("10001:10001");
    assertThat(stage.workdir()).contains("/app/sub");
    assertThat(stage.env()).isEqualTo(Map.of("K", "v", "L", "w x"));
  }

  @Test
  void refusesWhatItDoesNotUnderstand() {
    assertThatThrownBy(() -> Dockerfile.parse("RUN true\n")).hasMessageContaining("before the first FROM");
    assertThatThrownBy(() -> Dockerfile.parse("FROM x\nRUN <<EOF\ntrue\nEOF\n")).hasMessageContaining("heredoc");
    assertThatThrownBy(() -> Dockerfile.parse("# escape=`\nFROM x\n")).hasMessageContaining("escape");
    assertThatThrownBy(() -> Dockerfile.parse("FROM x\nCOPYY a b\n")).hasMessageContaining("unknown instruction");
  }
}
