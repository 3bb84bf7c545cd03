# orderflow's images (docs/image.md). Default target `service`, the production image:
#   docker build -t orderflow .                                      (one image, any service)
#   docker build --target devtools -t orderflow-devtools .           (psp-sim and the SMTP sink, dev only)
# verticles/launcher/pom.xml configures Jib to build the same `service` image without a Dockerfile;
# ImageFilesTest keeps the two, and both with the jar Maven builds, in step.

# --- build: both jars, with the repository's Maven wrapper -----------------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# The whole context (.dockerignore leaves out build output and local state): the reactor reads every
# module's pom, even those it does not build. The cache mount keeps ~/.m2 (Maven itself and the
# dependencies) between builds, which does what copying the poms first would, without a go-offline step
# that cannot resolve the reactor's own snapshot modules.
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    sh ./mvnw -B --no-transfer-progress -DskipTests -pl verticles/launcher,verticles/app -am package

# --- devtools: the development jar, for psp-sim and the SMTP sink in the dev overlay -----------------------
FROM eclipse-temurin:21-jre AS devtools
LABEL org.opencontainers.image.title="orderflow-devtools" \
      org.opencontainers.image.description="orderflow's development stand-ins (psp-sim, SMTP sink): never in production"
WORKDIR /app
COPY --from=build /src/verticles/app/target/orderflow.jar /app/orderflow.jar
COPY --from=build /src/config/orderflow.properties /app/config/orderflow.properties
# The SMTP sink binds 127.0.0.1 and writes mails under the working directory unless told otherwise;
# in a container it must listen on every interface and write to the one writable place, /tmp.
ENV ORDERFLOW_SMTP_BIND=0.0.0.0 \
    ORDERFLOW_MAIL_DIR=/tmp/mail
USER 10001:10001
EXPOSE 8090 2525
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-Djava.io.tmpdir=/tmp", "-Duser.home=/tmp", "-jar", "/app/orderflow.jar"]
CMD ["psp-sim"]

# --- service: the production image (the default target: last in this file) ------------------------------
# The production jar alone: the launcher and the five services; no chaos harness, psp-sim, SMTP sink or
# failpoints. It runs as uid/gid 10001 (no passwd entry needed) and writes nothing outside /tmp, so a
# read-only root file system with a tmpfs or emptyDir on /tmp is enough. No HEALTHCHECK: the JRE image
# has no curl or wget, and Kubernetes probes /health and /ready on the management port itself.
FROM eclipse-temurin:21-jre AS service
ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="orderflow" \
      org.opencontainers.image.description="An order pipeline on Vert.x 5 and NATS JetStream: one image runs any of its services" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
COPY --from=build /src/verticles/launcher/target/orderflow-service.jar /app/orderflow-service.jar
COPY --from=build /src/config/orderflow.properties /app/config/orderflow.properties
USER 10001:10001
EXPOSE 8080 9080
# MaxRAMPercentage sizes the heap from the container's memory limit; ExitOnOutOfMemoryError lets the
# orchestrator restart a JVM that ran out of heap instead of leaving it half-alive. The rest keeps every
# write in /tmp: no hsperfdata file, crash logs and temporary files there, and a home for a uid without one.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-Djava.io.tmpdir=/tmp", "-Duser.home=/tmp", "-jar", "/app/orderflow-service.jar"]
# `service` alone reads ORDERFLOW_SERVICE; arguments replace it: `docker run orderflow service orders`.
CMD ["service"]
