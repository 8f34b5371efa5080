package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.K8sm;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code k8sm demo} as a child process with its own {@code java.io.tmpdir}: whether it ends normally
 * or by SIGTERM while it stays up, it closes its world first and leaves no temporary directory
 * behind (the broker's data, the services' state).
 */
class DemoCleanupTest {

    private static final String STAYS_UP = "The world stays up";

    @Test
    void aNormalExitLeavesNoTemporaryDirectory(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process demo = start(tmp, dir.resolve("demo.properties"), false);
        StringBuilder out = new StringBuilder();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> readUntil(demo, out, null));
        assertTrue(demo.waitFor(150, TimeUnit.SECONDS), "the demo did not finish: " + out);
        reader.get(10, TimeUnit.SECONDS);
        assertEquals(0, demo.exitValue(), out.toString());
        assertEquals(List.of(), leftIn(tmp), out.toString());
    }

    @Test
    void sigtermWhileItStaysUpClosesTheWorldAndLeavesNoTemporaryDirectory(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process demo = start(tmp, dir.resolve("demo.properties"), true);
        StringBuilder out = new StringBuilder();
        CompletableFuture<Void> up = CompletableFuture.runAsync(() -> readUntil(demo, out, STAYS_UP));
        up.get(150, TimeUnit.SECONDS);
        assertTrue(out.toString().contains(STAYS_UP), out.toString());
        assertTrue(leftIn(tmp).size() > 0, "the running demo keeps its broker and state in java.io.tmpdir");
        CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> readUntil(demo, out, null));
        // SIGTERM by kill, not Process.destroy(): destroy() also closes our end of the child's output
        assertEquals(
                0,
                new ProcessBuilder("kill", "-TERM", Long.toString(demo.pid()))
                        .start()
                        .waitFor());
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo did not stop on SIGTERM: " + out);
        rest.get(10, TimeUnit.SECONDS);
        assertEquals(128 + 15, demo.exitValue(), out.toString());
        assertEquals(List.of(), leftIn(tmp), out.toString());
    }

    private static Process start(Path tmp, Path settings, boolean stay) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                K8sm.class.getName(),
                "--log-level",
                "WARN",
                "demo",
                "--pods",
                "4",
                "--agents",
                "2",
                "--flaky",
                "1",
                "--unschedulable",
                "0",
                "--timeout",
                "120",
                "--settings-file",
                settings.toString()));
        if (stay) {
            cmd.add("--stay");
        }
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Reads the child's output into {@code out} until {@code marker} (or the end when null). */
    private static void readUntil(Process p, StringBuilder out, String marker) {
        try {
            BufferedReader r = reader(p);
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (out) {
                    out.append(line).append('\n');
                }
                if (marker != null && line.contains(marker)) {
                    return;
                }
            }
        } catch (IOException e) {
            synchronized (out) {
                out.append("(reading the output failed: ").append(e).append(")\n");
            }
        }
    }

    private static final java.util.Map<Process, BufferedReader> READERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static BufferedReader reader(Process p) {
        return READERS.computeIfAbsent(
                p, x -> new BufferedReader(new InputStreamReader(x.getInputStream(), StandardCharsets.UTF_8)));
    }

    private static List<String> leftIn(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
