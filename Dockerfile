# The k8sm image: the production distribution only — app/target/k8sm-app.jar and its runtime
# dependencies (app/target/lib), with no embedded world, JUnit, Testcontainers, broker or mock server
# (the demo is the separate demo module and runs from a clone). Build the jars first
# (./mvnw -q -DskipTests package), then: docker build -t k8sm:0.1.0 .
#
# Two ways to the same image (deploy/README.md): this Dockerfile, which is canonical where a Docker
# engine builds (it carries the HEALTHCHECK, which Jib cannot set), and Jib's tarball
# (./mvnw -q -pl app -am -Pimage package -DskipTests → app/target/jib-image.tar), built with no engine.
# Both: the same pinned base as app/pom.xml's k8sm.image.base, user 10001, the same JVM flags.
FROM eclipse-temurin:17.0.15_6-jre@sha256:e46d19ca8758322d37a4f26150d63e5038b5974ea999667bf698a92449cbb108
WORKDIR /opt/k8sm
COPY app/target/lib/ lib/
COPY app/target/k8sm-app.jar k8sm-app.jar
USER 10001:10001
# The service's HTTP port: set <component>.http.port (e.g. K8SM_SCHEDULER_HTTP_PORT) to it and
# HEALTHCHECK_PORT too when it differs (a plain variable: K8SM_* would be read as a setting).
ENV HEALTHCHECK_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HEALTHCHECK_PORT} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# Bounded Avro decoding (AV1) and exit, not limp on, after an OutOfMemoryError (same as ./k8sm).
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", \
  "-Dorg.apache.avro.limits.string.maxLength=8388608", \
  "-Dorg.apache.avro.limits.bytes.maxLength=8388608", \
  "-Dorg.apache.avro.limits.collectionItems.maxLength=1000000", \
  "-jar", "/opt/k8sm/k8sm-app.jar"]
CMD ["--help"]
