package io.k8sm.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The image Jib writes (target/jib-image.tar; on CI the image-check profile builds it on an empty
 * base before the tests): a non-root user, the JVM flags of ./k8sm with -XX:+ExitOnOutOfMemoryError,
 * and in its layers only the production distribution — the app and its runtime dependencies, no
 * test jars, sandbox, broker or mock server. The Dockerfile is checked for the same promises.
 */
class ImageTarballTest {

    static final Path TAR = RepositoryFiles.root().resolve("app/target/jib-image.tar");
    static final ObjectMapper JSON = new ObjectMapper();

    /** Names no layer may hold: test machinery and the embedded world. */
    static final List<String> FORBIDDEN = List.of(
            "junit",
            "jqwik",
            "testcontainers",
            "k8sm-sandbox",
            "kafka_2.13",
            "kafka-server-",
            "kafka-test-common",
            "kubernetes-server-mock",
            "mockwebserver",
            "test-classes",
            "archunit");

    static Map<String, byte[]> entries(InputStream in) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        String longName = null;
        while (true) {
            byte[] h = in.readNBytes(512);
            if (h.length < 512 || h[0] == 0) {
                return out;
            }
            String name = field(h, 0, 100);
            String prefix = field(h, 345, 155);
            long size = Long.parseLong(
                    field(h, 124, 12).trim().isEmpty() ? "0" : field(h, 124, 12).trim(), 8);
            byte[] body = in.readNBytes((int) size);
            in.readNBytes((int) ((512 - size % 512) % 512));
            char type = (char) h[156];
            if (type == 'x') {
                for (String rec : new String(body, StandardCharsets.UTF_8).split("\n")) {
                    int eq = rec.indexOf(" path=");
                    if (eq >= 0) {
                        longName = rec.substring(eq + 6);
                    }
                }
                continue;
            }
            String full = longName != null ? longName : (prefix.isEmpty() ? name : prefix + "/" + name);
            longName = null;
            out.put(full, body);
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.US_ASCII);
    }

    @Test
    void theImageRunsAsNonRootWithTheProductionDistributionOnly() throws Exception {
        if (!Files.exists(TAR)) {
            Assumptions.assumeFalse(
                    "true".equals(System.getenv("CI")), "on CI the image-check profile must have built " + TAR);
            Assumptions.abort("no " + TAR + ": build it with -Pimage (or CI=true) first");
        }
        Map<String, byte[]> image;
        try (InputStream in = Files.newInputStream(TAR)) {
            image = entries(in);
        }
        JsonNode manifest = JSON.readTree(image.get("manifest.json")).get(0);
        JsonNode config =
                JSON.readTree(image.get(manifest.get("Config").asText())).get("config");
        assertEquals("10001:10001", config.get("User").asText());
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(n -> entrypoint.add(n.asText()));
        assertEquals("java", entrypoint.get(0), entrypoint.toString());
        assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
        assertTrue(entrypoint.contains("-Dorg.apache.avro.limits.string.maxLength=8388608"), entrypoint.toString());
        assertEquals("io.k8sm.app.K8sm", entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
        assertEquals("--help", config.get("Cmd").get(0).asText());

        List<String> files = new ArrayList<>();
        for (JsonNode layer : manifest.get("Layers")) {
            byte[] gz = image.get(layer.asText());
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                files.addAll(entries(in).keySet());
            }
        }
        for (String entry : files) {
            String f = entry.replaceAll("^/+|/+$", "");
            assertTrue(f.equals("opt") || f.startsWith("opt/k8sm"), "outside /opt/k8sm: " + entry);
            for (String bad : FORBIDDEN) {
                assertFalse(f.contains(bad), "the image holds " + f);
            }
        }
        assertTrue(files.stream().anyMatch(f -> f.endsWith("io/k8sm/app/K8sm.class")), "the app's classes");
        assertTrue(files.stream().anyMatch(f -> f.contains("libs/k8sm-schemas")), "k8sm's modules");
        assertTrue(files.stream().anyMatch(f -> f.contains("libs/kafka-streams-")), "runtime dependencies");
    }

    @Test
    void theDockerfileMakesTheSamePromises() throws Exception {
        String dockerfile = Files.readString(RepositoryFiles.root().resolve("Dockerfile"));
        assertTrue(
                dockerfile.matches("(?s).*\\nFROM eclipse-temurin:[0-9._]+-jre@sha256:[0-9a-f]{64}\\n.*"),
                "pinned base");
        assertTrue(dockerfile.contains("\nUSER 10001:10001\n"), "non-root");
        assertTrue(dockerfile.contains("\nHEALTHCHECK "), "a HEALTHCHECK");
        assertTrue(dockerfile.contains("-XX:+ExitOnOutOfMemoryError"));
        String base = dockerfile.replaceAll("(?s).*\\nFROM (\\S+)\\n.*", "$1");
        String pom = Files.readString(RepositoryFiles.root().resolve("app/pom.xml"));
        assertTrue(
                pom.contains("<k8sm.image.base>" + base + "</k8sm.image.base>"),
                "Jib and the Dockerfile share the base");
    }
}
