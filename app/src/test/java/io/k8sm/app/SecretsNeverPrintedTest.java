package io.k8sm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security by default: with a SASL JAAS config, registry user info and TLS passwords set (in the
 * environment, as a Kubernetes Secret would set them, and as flags), no secret appears in anything
 * the {@code k8sm} command prints — help, logs at DEBUG, configuration errors, a failure's stack
 * trace — nor in any file it writes. Each command runs as its own process, so what is checked is
 * the bytes a supervisor or a log collector would see.
 *
 * <p>The same environment carries the service-link variables of a Service named {@code k8sm}: the
 * commands must run with them (they used to stop with "Unknown configuration key").
 */
@WithKafkaWorld
class SecretsNeverPrintedTest {

    static final String JAAS_PASSWORD = "jaas-secret-7c1e";
    static final String USER_INFO_PASSWORD = "userinfo-secret-5d2b";
    static final String TRUSTSTORE_PASSWORD = "truststore-secret-9a3f";
    static final String KEYSTORE_PASSWORD = "keystore-secret-44e0";
    static final String URL_PASSWORD = "url-secret-1f4a";
    static final String MESOS_SECRET = "mesos-secret-0b7d";
    static final List<String> SECRETS = List.of(
            JAAS_PASSWORD, USER_INFO_PASSWORD, TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD, URL_PASSWORD, MESOS_SECRET);

    @TempDir
    Path dir;

    private final StringBuilder seen = new StringBuilder();

    static Map<String, String> secretEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(
                "K8SM_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"k8sm\" password=\""
                        + JAAS_PASSWORD + "\";");
        env.put("K8SM_KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("K8SM_BASIC_AUTH_CREDENTIALS_SOURCE", "USER_INFO");
        env.put("K8SM_BASIC_AUTH_USER_INFO", "registry-user:" + USER_INFO_PASSWORD);
        env.put("K8SM_KAFKA_SSL_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD);
        env.put("K8SM_SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);
        env.put("K8SM_MESOS_SECRET", MESOS_SECRET);
        // what the kubelet adds for a Service named k8sm
        env.put("K8SM_SERVICE_HOST", "10.96.0.12");
        env.put("K8SM_SERVICE_PORT", "8080");
        env.put("K8SM_PORT", "tcp://10.96.0.12:8080");
        env.put("K8SM_PORT_8080_TCP", "tcp://10.96.0.12:8080");
        env.put("K8SM_PORT_8080_TCP_PROTO", "tcp");
        env.put("K8SM_PORT_8080_TCP_PORT", "8080");
        env.put("K8SM_PORT_8080_TCP_ADDR", "10.96.0.12");
        return env;
    }

    record Result(int exit, String output) {}

    private ProcessBuilder command(List<String> args) throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                K8sm.class.getName(),
                "--log-level",
                "DEBUG"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("K8SM_"));
        pb.environment().putAll(secretEnvironment());
        return pb;
    }

    private Result run(String... args) throws Exception {
        Process p = command(List.of(args)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "k8sm " + String.join(" ", args) + " did not end");
        seen.append(header(List.of(args))).append(out);
        return new Result(p.exitValue(), out);
    }

    /** The command, as a heading in the scanned output; the secrets the test passes as flags left out. */
    private static String header(List<String> args) {
        String line = "$ k8sm " + String.join(" ", args);
        for (String secret : SECRETS) {
            line = line.replace(secret, "<a secret given as a flag>");
        }
        return line + "\n";
    }

    private static List<String> on(KafkaWorld world, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-b", world.bootstrapServers(), "-r", world.registryUrl(), "--topic-prefix", "secrets."));
        return all;
    }

    @BeforeEach
    void clear() {
        seen.setLength(0);
    }

    @Test
    void noSecretInHelpLogsErrorsStackTracesOrWrittenFiles(KafkaWorld world) throws Exception {
        run("--help");
        run("help", "run");
        run("run", "scheduler", "--help");
        run("run", "offer-ingest", "--help");
        run("topics", "--help");

        Result create =
                run(on(world, "topics", "create", "--replication-factor", "1").toArray(String[]::new));
        assertEquals(
                0, create.exit(), "service-link variables and secrets must not stop a command: " + create.output());
        assertEquals(0, run(on(world, "topics", "list").toArray(String[]::new)).exit(), seen.toString());
        assertEquals(
                0,
                run(on(world, "tap", "pods", "--from-beginning").toArray(String[]::new))
                        .exit(),
                seen.toString());

        // bad values: the message names the key but not the secret
        Result badUrl = run("run", "scheduler", "-r", "http://registry-user:" + URL_PASSWORD + "@127.0.0.1:bad");
        assertEquals(K8sm.EXIT_CONFIG, badUrl.exit(), badUrl.output());
        assertTrue(badUrl.output().contains("schema.registry.url"), badUrl.output());
        assertEquals(
                K8sm.EXIT_CONFIG,
                run("run", "scheduler", "-D", "scheduler.no.such.key=1").exit());
        assertEquals(
                K8sm.EXIT_CONFIG,
                run("run", "scheduler", "-D", "basic.auth.user.info=no-colon-" + USER_INFO_PASSWORD)
                        .exit());
        assertEquals(
                K8sm.EXIT_CONFIG,
                run("run", "offer-ingest", "--mesos-master", "http://m:" + URL_PASSWORD + "@127.0.0.1:bad")
                        .exit());
        // a failure at run time, with its stack trace (DEBUG)
        Result failed = run(
                "topics",
                "list",
                "-b",
                "127.0.0.1:1",
                "-D",
                "kafka.security.protocol=SSL",
                "-D",
                "kafka.ssl.keystore.location=" + dir.resolve("no-such-keystore.jks"),
                "-D",
                "kafka.ssl.keystore.password=" + KEYSTORE_PASSWORD);
        assertEquals(1, failed.exit(), failed.output());

        // a service started with them: its start-up and shutdown logs
        runServiceUntilRunning(world);

        assertNoSecretIn("the commands' output", seen.toString());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertNoSecretIn(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
    }

    private void runServiceUntilRunning(KafkaWorld world) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // not the default 9410: a scheduler elsewhere on the machine may hold it
        }
        List<String> args = on(
                world,
                "run",
                "scheduler",
                "-D",
                "scheduler.application.id=secrets-scheduler",
                "--http-port",
                Integer.toString(port));
        Process p = command(args).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (!signalled && line.contains("scheduler running")) {
                    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
                            .start()
                            .waitFor();
                    signalled = true;
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        seen.append(header(args)).append(out);
        assertTrue(out.toString().contains("scheduler running"), out.toString());
        // stopped by SIGTERM: 0 when it exits itself, 143 (128 + SIGTERM) when the JVM ends by the signal
        assertTrue(p.exitValue() == 0 || p.exitValue() == 128 + 15, out.toString());
    }

    /**
     * A running offer-ingest whose Mesos master URL carries a password ({@code http://user:pw@host},
     * which {@code mesos.master} accepts), and its registry URL one: the password is in neither its
     * logs (it logs "subscribing to" the master on every attempt, and why each attempt failed; the
     * registry URL it checks at start) nor its {@code /healthz} body (which names the master).
     */
    @Test
    void aRunningOfferIngestNeverPrintsItsMasterUrlsPassword(KafkaWorld world) throws Exception {
        String prefix = "secrets-ingest.";
        try (org.apache.kafka.clients.admin.Admin admin = world.admin()) {
            admin.createTopics(io.k8sm.topics.TopicCatalogue.withPrefix(prefix).all((short) 1))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        int port;
        int closed;
        try (java.net.ServerSocket a = new java.net.ServerSocket(0);
                java.net.ServerSocket b = new java.net.ServerSocket(0)) {
            port = a.getLocalPort();
            closed = b.getLocalPort(); // nothing listens there once closed: every SUBSCRIBE fails
        }
        List<String> args = new ArrayList<>(List.of(
                "run",
                "offer-ingest",
                "--mesos-master",
                "http://mesos-user:" + URL_PASSWORD + "@127.0.0.1:" + closed,
                "-D",
                "mesos.principal=k8sm", // the environment's mesos.secret needs one
                "--http-port",
                Integer.toString(port),
                "-b",
                world.bootstrapServers(),
                "-r", // schema.registry.url may carry user info too; RunService logs the URL it checks
                world.registryUrl().replace("://", "://registry-user:" + URL_PASSWORD + "@"),
                "--topic-prefix",
                prefix));
        Process p = command(args).start();
        StringBuilder out = new StringBuilder();
        String healthz = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int attempts = 0;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains("subscribing to") && ++attempts == 2 && healthz == null) {
                    healthz = java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create("http://127.0.0.1:" + port + "/healthz"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body();
                    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
                            .start()
                            .waitFor();
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        seen.append(header(args)).append(out).append("$ GET /healthz\n").append(healthz);
        assertTrue(healthz != null, "two SUBSCRIBE attempts, then /healthz:\n" + out);
        assertTrue(
                out.toString().contains("subscribing to http://mesos-user:[hidden]@127.0.0.1:" + closed),
                out.toString());
        assertTrue(healthz.contains("http://mesos-user:[hidden]@127.0.0.1:" + closed), healthz);
        assertTrue(out.toString().contains("the schema registry at http://registry-user:[hidden]@"), out.toString());
        assertNoSecretIn("offer-ingest's output and /healthz", seen.toString());
    }

    private static void assertNoSecretIn(String where, String text) {
        for (String secret : SECRETS) {
            int at = text.indexOf(secret);
            assertTrue(
                    at < 0,
                    () -> where + " holds the secret " + secret + ": ..."
                            + text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 100)));
        }
    }
}
