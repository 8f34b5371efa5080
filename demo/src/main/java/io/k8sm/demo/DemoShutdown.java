package io.k8sm.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's end, normal or by SIGTERM / Ctrl-C: the shutdown hook only asks the demo to stop and
 * then holds the JVM until the demo has closed its world and deleted its temporary state directory
 * ({@link #done()}), so a {@code kill} leaves nothing behind. Without it the JVM would halt while
 * the broker still runs and its directories stay on disk.
 */
final class DemoShutdown implements AutoCloseable {
    /** How long a SIGTERM waits for the world to close before the JVM halts anyway. */
    private static final long CLOSE_WAIT_SECONDS = 60;

    private final Path stateDir;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    private DemoShutdown(Path stateDir) {
        this.stateDir = stateDir;
        this.hook = new Thread(
                () -> {
                    stopRequested.countDown();
                    try {
                        closed.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "k8sm-demo-shutdown");
    }

    /** A temporary state directory and the hook that guards it, installed now. */
    static DemoShutdown install() throws IOException {
        DemoShutdown s = new DemoShutdown(Files.createTempDirectory("k8sm-demo-state"));
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    Path stateDir() {
        return stateDir;
    }

    /** Whether SIGTERM / Ctrl-C asked the demo to stop. */
    boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Blocks until SIGTERM / Ctrl-C ({@code --stay}). */
    void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Call after the world is closed: deletes the state directory, then lets a waiting shutdown
     * hook (and so the JVM) finish; on a normal exit removes the hook.
     */
    @Override
    public void close() {
        try {
            deleteRecursively(stateDir);
        } finally {
            closed.countDown();
            if (!stopRequested()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting; the hook returns at once since closed is counted down
                }
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the demo's state directory " + dir, e);
        }
    }
}
