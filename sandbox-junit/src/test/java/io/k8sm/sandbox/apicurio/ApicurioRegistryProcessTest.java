package io.k8sm.sandbox.apicurio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryProcessTest {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aMissingRunnerFailsWithTheBuildHint(@TempDir Path empty) {
        var e = assertThrows(
                ApicurioRegistryProcess.ApicurioRunnerMissingException.class,
                () -> ApicurioRegistryProcess.builder()
                        .runner(empty.resolve("nope"))
                        .start());
        assertTrue(e.getMessage().contains("tools/apicurio-registry/build.sh"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.resolve("nope").toString()), e.getMessage());
    }

    @Test
    void findsTheRunnerInALegacyJarOrFastJarLayout(@TempDir Path dir) throws IOException {
        assertEquals(Optional.empty(), ApicurioRegistryProcess.runnerAt(dir));
        Path jar = Files.createFile(dir.resolve("x-runner.jar"));
        // a runner jar without its lib/ is a half-finished build, not a runner
        assertEquals(Optional.empty(), ApicurioRegistryProcess.runnerAt(dir));
        Files.createDirectory(dir.resolve("lib"));
        assertEquals(Optional.of(jar), ApicurioRegistryProcess.runnerAt(dir));
        assertEquals(Optional.of(jar), ApicurioRegistryProcess.runnerAt(jar));

        Path fast = Files.createDirectories(dir.resolve("quarkus-app")).resolve("quarkus-run.jar");
        Files.createFile(fast);
        assertEquals(Optional.of(fast), ApicurioRegistryProcess.runnerAt(dir));
    }

    @Test
    void aTakenFixedPortFailsWithTheChildsOwnReason() throws Exception {
        Path runner = ApicurioTestSupport.runnerOrSkip();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(
                    ApicurioRegistryProcess.ApicurioStartupException.class,
                    () -> ApicurioRegistryProcess.builder()
                            .runner(runner)
                            .port(taken.getLocalPort())
                            // long enough for a loaded machine: the child must get to its own port error
                            .startupTimeout(Duration.ofSeconds(120))
                            .start());
            assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
        }
    }

    @Test
    void servesTheConfluentApiAndIsGoneAfterClose() throws Exception {
        ApicurioRegistryProcess registry = ApicurioTestSupport.startOrSkip();
        ProcessHandle handle;
        URI subjects;
        try (registry) {
            handle = ProcessHandle.of(registry.pid()).orElseThrow();
            assertEquals("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7", registry.confluentUrl());
            subjects = URI.create(registry.confluentUrl() + "/subjects");
            HttpResponse<String> answer =
                    http.send(HttpRequest.newBuilder(subjects).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("[]", answer.body().trim(), "a fresh in-memory registry has no subjects");
            assertTrue(Files.size(registry.logFile()) > 0, "the child's output goes to its log file");
        }
        assertFalse(registry.isAlive());
        assertFalse(handle.isAlive());
        assertThrows(
                ConnectException.class,
                () -> http.send(
                        HttpRequest.newBuilder(subjects).GET().build(), HttpResponse.BodyHandlers.discarding()));
        registry.close(); // idempotent
    }
}
