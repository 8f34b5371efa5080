# The k8sm image: the production distribution only — app/target/k8sm-app.jar and its runtime
# dependencies (app/target/lib), with no embedded world, JUnit, Testcontainers, broker or mock server
# (the demo is the separate demo module and runs from a clone). Build the jars first
# (./mvnw -q -DskipTests package), then: docker build -t k8sm:0.1.0 .
FROM eclipse-temurin:17-jre
WORKDIR /opt/k8sm
COPY app/target/lib/ lib/
COPY app/target/k8sm-app.jar k8sm-app.jar
# Bounded Avro decoding (AV1) and exit, not limp on, after an OutOfMemoryError (same as ./k8sm).
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", \
  "-Dorg.apache.avro.limits.string.maxLength=8388608", \
  "-Dorg.apache.avro.limits.bytes.maxLength=8388608", \
  "-Dorg.apache.avro.limits.collectionItems.maxLength=1000000", \
  "-jar", "/opt/k8sm/k8sm-app.jar"]
CMD ["--help"]
