package io.k8sm.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml runs every service beside Kafka (KRaft, data on a volume, a listener for the
 * host), a registry that keeps its schemas on a Kafka topic, the topic creation and a Mesos master
 * and agent, with health checks and ordered start-up. Docker Compose itself checks the file when
 * {@code docker-compose} (Debian's package; .ci/run installs it) is on the PATH; the structure below
 * is checked always, since no engine is needed for either.
 */
class ComposeFileTest {

    static final List<String> K8SM_SERVICES = List.of("scheduler", "offer-ingest", "launcher", "endpoint-controller");

    /** image:tag, or image:tag@sha256:digest; never a floating tag. */
    static final Pattern PINNED = Pattern.compile("[a-z0-9./-]+:[A-Za-z0-9._-]+(@sha256:[0-9a-f]{64})?");

    static final Path FILE = RepositoryFiles.root().resolve("docker-compose.yml");

    @SuppressWarnings("unchecked")
    static Map<String, Object> compose() throws Exception {
        return (Map<String, Object>) new Yaml(new LoaderOptions()).load(Files.readString(FILE));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) throws Exception {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        Map<String, Object> s = (Map<String, Object>) services.get(name);
        assertNotNull(s, "service " + name + " in " + FILE);
        return s;
    }

    /**
     * {@code docker-compose config} on the file. In CI ({@code CI=true}, where {@code .ci/run}
     * installs Debian's docker-compose) a missing docker-compose fails the test; elsewhere the test
     * is skipped, visibly, and only the structural checks run.
     */
    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        String dc = which("docker-compose");
        String missing = "docker-compose is not on the PATH (apt-get install docker-compose)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertNotNull(dc, missing + "; in CI (CI=true) it must be there: .ci/run installs it");
        } else {
            Assumptions.assumeTrue(dc != null, "skipped: " + missing + "; only the structural checks ran");
        }
        Process p = new ProcessBuilder(dc, "-f", FILE.toString(), "config", "-q")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not end");
        assertEquals(0, p.exitValue(), "docker-compose config: " + out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyImageIsPinnedAndKafkaByDigest() throws Exception {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        services.forEach((name, s) -> {
            String image = String.valueOf(((Map<String, Object>) s).get("image"));
            assertTrue(PINNED.matcher(image).matches(), name + ": image " + image + " is not pinned");
            assertFalse(image.contains(":latest"), name + ": " + image);
        });
        assertTrue(String.valueOf(service("kafka").get("image")).contains("@sha256:"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyK8smServiceRunsWithAReadinessCheckOnItsOwnPortAndWaitsForWhatItNeeds() throws Exception {
        for (String name : K8SM_SERVICES) {
            Map<String, Object> s = service(name);
            assertEquals("run", ((List<String>) s.get("command")).get(0), name);
            assertEquals(name, ((List<String>) s.get("command")).get(1), name);
            Map<String, Object> env = (Map<String, Object>) s.get("environment");
            String port = env.entrySet().stream()
                    .filter(e -> e.getKey().endsWith("_HTTP_PORT"))
                    .map(e -> String.valueOf(e.getValue()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " sets no K8SM_<component>_HTTP_PORT"));
            String check = String.join(" ", (List<String>) ((Map<String, Object>) s.get("healthcheck")).get("test"));
            assertTrue(check.contains("/readyz") && check.contains("/" + port + " "), name + ": " + check);
            Map<String, Object> deps = (Map<String, Object>) s.get("depends_on");
            for (String needed : List.of("kafka", "schema-registry", "topics")) {
                Map<String, Object> d = (Map<String, Object>) deps.get(needed);
                assertNotNull(d, name + " depends on " + needed);
                assertNotNull(d.get("condition"), name + " -> " + needed + " has a condition");
            }
            assertEquals(
                    "service_completed_successfully",
                    ((Map<String, Object>) deps.get("topics")).get("condition"),
                    name + " starts after the topics exist");
        }
        assertTrue(((Map<String, Object>) service("offer-ingest").get("depends_on")).containsKey("mesos-master"));
        assertEquals(List.of("topics", "create"), service("topics").get("command"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDependencyIsAServiceWithAHealthCheckWhenItsConditionSaysHealthy() throws Exception {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        services.forEach((name, s) -> {
            Object deps = ((Map<String, Object>) s).get("depends_on");
            if (deps instanceof Map<?, ?> m) {
                m.forEach((dep, cond) -> {
                    Map<String, Object> target = (Map<String, Object>) services.get(dep);
                    assertNotNull(target, name + " depends on an unknown service " + dep);
                    if ("service_healthy".equals(((Map<String, Object>) cond).get("condition"))) {
                        assertNotNull(target.get("healthcheck"), name + " waits for " + dep + " to be healthy");
                    }
                });
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaIsKraftWithItsDataOnAVolumeAndAListenerForTheHost() throws Exception {
        Map<String, Object> kafka = service("kafka");
        Map<String, Object> env = (Map<String, Object>) kafka.get("environment");
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        assertNotNull(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        String advertised = String.valueOf(env.get("KAFKA_ADVERTISED_LISTENERS"));
        assertTrue(advertised.contains("localhost:9092") && advertised.contains("kafka:19092"), advertised);
        assertTrue(((List<String>) kafka.get("ports")).contains("9092:9092"));
        String logDir = String.valueOf(env.get("KAFKA_LOG_DIRS"));
        assertTrue(((List<String>) kafka.get("volumes")).contains("kafka-data:" + logDir), "data on the volume");
        assertTrue(((Map<String, Object>) compose().get("volumes")).containsKey("kafka-data"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRegistryKeepsItsSchemasOnAKafkaTopicAndMesosHasAMasterAndAnAgent() throws Exception {
        Map<String, Object> registry = service("schema-registry");
        assertTrue(String.valueOf(registry.get("image")).contains("kafkasql"), "not an in-memory registry");
        assertNotNull(((Map<String, Object>) registry.get("environment")).get("KAFKA_BOOTSTRAP_SERVERS"));
        assertNotNull(service("mesos-master").get("healthcheck"));
        assertEquals(
                "mesos-master:5050",
                ((Map<String, Object>) service("mesos-agent").get("environment")).get("MESOS_MASTER"));
    }

    static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
