# syntax=docker/dockerfile:1
#
# The LLM gateway image. Build from the repository root:
#   docker build -t llm-gateway:0.1.0 .
# Run (embedded PostgreSQL, data in a volume):
#   docker run --rm -p 8080:8080 -v llm-gateway-data:/app/data llm-gateway:0.1.0
#
# Three stages: build the executable jar with the Maven wrapper, explode it into Spring Boot's layers, and copy the
# layers, least to most often changing, onto a JRE so a code change rebuilds only the last, small layer.

ARG JDK_IMAGE=eclipse-temurin:17-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

# ---- 1. build -------------------------------------------------------------------------------------------------------
FROM ${JDK_IMAGE} AS build
WORKDIR /src
# .dockerignore keeps target/, data/, .git, the chart and the rest out of the context.
COPY . .
# The Maven repository is a BuildKit cache: dependencies are downloaded once per builder, not per source change.
# -pl gateway-app -am builds the application and the modules it depends on, nothing else (no bench, no deploy tests).
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests -pl gateway-app -am package \
 && cp gateway-app/target/llm-gateway.jar /llm-gateway.jar

# ---- 2. explode the jar into layers ---------------------------------------------------------------------------------
FROM ${JRE_IMAGE} AS layers
WORKDIR /layers
COPY --from=build /llm-gateway.jar llm-gateway.jar
# Spring Boot 3.3+/4 syntax: one directory per layer (dependencies, spring-boot-loader, snapshot-dependencies,
# application), each holding its part of the exploded jar, started by the launcher.
RUN java -Djarmode=tools -jar llm-gateway.jar extract --layers --launcher --destination extracted

# ---- 3. runtime -----------------------------------------------------------------------------------------------------
FROM ${JRE_IMAGE}
LABEL org.opencontainers.image.title="llm-gateway" \
      org.opencontainers.image.description="An OpenAI-compatible gateway in front of every language model a company uses." \
      org.opencontainers.image.version="0.1.0"

# A fixed, non-root user (the Helm chart runs as uid/gid 10001 with runAsNonRoot).
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway \
 && mkdir -p /app/data \
 && chown 10001:10001 /app/data

WORKDIR /app
# Layers in dependency order: third-party libraries change least, the application's own classes most. The files stay
# owned by root: the application cannot modify its own code.
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./

# The JVM sizes its heap from the container's memory limit, and a JVM out of memory exits (and is restarted) instead
# of limping on. Its first metadata collection waits for 256 MB of classes: the default (about 21 MB) made the
# start-up run three full collections of 100-330 ms on one CPU. /tmp stays writable (in Kubernetes an emptyDir under a read-only root filesystem): Netty and the
# embedded PostgreSQL unpack native files there. The embedded PostgreSQL keeps its data under /app/data.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:MetaspaceSize=256m -XX:+ExitOnOutOfMemoryError" \
    PORT=8080
VOLUME ["/tmp"]
USER 10001:10001
EXPOSE 8080
# exec form: java is PID 1 and gets SIGTERM directly, so Spring Boot's graceful shutdown runs.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
