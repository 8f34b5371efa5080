package io.k8sm.sandbox.apicurio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Apicurio Registry 2.4.2 (an independent implementation of the Confluent Schema Registry REST API)
 * running as a child process, for interop tests.
 *
 * <p>The runner is built outside the main reactor by {@code tools/apicurio-registry/build.sh}; it
 * must never share a class path with the project (Quarkus 2 / javax-era Jackson). It keeps its
 * schemas in memory, so every instance starts empty.
 *
 * <pre>{@code
 * try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start()) {
 *   String url = registry.confluentUrl(); // http://127.0.0.1:<port>/apis/ccompat/v7
 * }
 * }</pre>
 *
 * <p>Where the runner is looked for, first match wins: the system property {@value
 * #RUNNER_PROPERTY}, the environment variable {@value #RUNNER_ENV} (each either the runner jar or
 * the directory holding it), then {@code tools/apicurio-registry/target} in the working directory
 * or any of its parents.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    /** System property naming the runner jar or its directory. */
    public static final String RUNNER_PROPERTY = "k8sm.apicurio.runner";

    /** Environment variable naming the runner jar or its directory. */
    public static final String RUNNER_ENV = "K8SM_APICURIO_RUNNER";

    /** Where the runner is built, relative to the project root. */
    public static final String TOOL_DIR = "tools/apicurio-registry";

    /** The path of the Confluent-compatible API under the registry's root. */
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

    /** What a missing runner tells the user to do. */
    public static final String BUILD_HINT = "Build it once with `"
            + TOOL_DIR
            + "/build.sh` (from the k8sm checkout; about a minute, needs"
            + " only Java 17 and the Maven wrapper), or point -D"
            + RUNNER_PROPERTY
            + " / "
            + RUNNER_ENV
            + " at an existing *-runner.jar.";

    /** Default bound on the wait for the first HTTP 200. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path runner;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private boolean closed;

    private ApicurioRegistryProcess(Process process, int port, Path runner, Path logFile, Duration startupTime) {
        this.process = process;
        this.port = port;
        this.runner = runner;
        this.logFile = logFile;
        this.startupTime = startupTime;
        // A test JVM that exits without closing us must not leave a registry behind.
        this.shutdownHook = new Thread(this::stopProcessTree, "apicurio-registry-" + port + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry with the defaults (free port, 60 s bound, log under ./target). */
    public static ApicurioRegistryProcess start() {
        return builder().start();
    }

    /** Options for {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    // ----------------------------------------------------------------------------------------------
    // locating the runner

    /**
     * The runner jar, if one can be found (see the class comment for where it is looked for).
     *
     * @throws ApicurioRunnerMissingException if the system property or environment variable is set
     *     but names nothing usable: an explicit setting that is wrong must not be silently ignored
     */
    public static Optional<Path> locateRunner() {
        return ApicurioRunners.locate();
    }

    /** The runner jar, or an exception that says how to build it. */
    public static Path requireRunner() {
        return ApicurioRunners.require();
    }

    /** A runner jar at {@code path}: the jar itself, a legacy-jar target dir, or a fast-jar dir. */
    static Optional<Path> runnerAt(Path path) {
        return ApicurioRunners.at(path);
    }

    // ----------------------------------------------------------------------------------------------
    // the running registry

    /** The registry's HTTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, the registry's root (its own APIs live under /apis). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:<port>/apis/ccompat/v7}: the Confluent Schema Registry API. */
    public String confluentUrl() {
        return baseUrl() + CONFLUENT_API_PATH;
    }

    /** The runner jar this process runs. */
    public Path runner() {
        return runner;
    }

    /** The file the child's stdout and stderr go to. */
    public Path logFile() {
        return logFile;
    }

    /** How long it took from launching the process to the first HTTP 200. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the registry (and anything it started) and waits for it to be gone. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcessTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it does the same thing
        }
    }

    @Override
    public String toString() {
        return "ApicurioRegistryProcess[pid=" + process.pid() + ", " + confluentUrl() + ", log=" + logFile + "]";
    }

    private void stopProcessTree() {
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> descendants = new ArrayList<>();
        process.descendants().forEach(descendants::add);
        descendants.forEach(ProcessHandle::destroy);
        process.destroy(); // SIGTERM: Quarkus shuts down in well under a second
        boolean exited = waitFor(process, STOP_GRACE);
        if (!exited) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitFor(process, STOP_GRACE);
        }
        for (ProcessHandle child : descendants) {
            child.onExit()
                    .completeOnTimeout(child, STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                    .join();
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    // ----------------------------------------------------------------------------------------------

    /** Options for starting the registry. */
    public static final class Builder {
        private Path runner;
        private int port;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Path logDir;
        private final List<String> jvmArgs = new ArrayList<>();

        private Builder() {
            // Startup speed matters more than peak throughput for a test registry on 2 cores.
            jvmArgs.add("-XX:TieredStopAtLevel=1");
            jvmArgs.add("-XX:+UseSerialGC");
            jvmArgs.add("-Xmx256m");
        }

        /** The runner jar (or its directory); default: {@link #requireRunner()}. */
        public Builder runner(Path runner) {
            this.runner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /** A fixed port; default 0 = a free port chosen at start (retried if it was taken). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Bound on the wait for the first HTTP 200; default 60 s. */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /** Where the child's log goes; default {@code ./target/apicurio-registry}. */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** An extra JVM option or {@code -Dquarkus...}/{@code -Dregistry...} setting for the child. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg, "arg"));
            return this;
        }

        /**
         * Starts the child and waits for {@code GET /apis/ccompat/v7/subjects} to answer 200.
         *
         * @throws ApicurioRunnerMissingException if there is no runner to start
         * @throws ApicurioStartupException if the child exits or stays unready past the timeout; the
         *     message carries the tail of its log
         */
        public ApicurioRegistryProcess start() {
            Path jar = runner != null
                    ? runnerAt(runner.toAbsolutePath())
                            .orElseThrow(() -> new ApicurioRunnerMissingException(
                                    "No Apicurio runner jar at " + runner.toAbsolutePath() + ". " + BUILD_HINT))
                    : requireRunner();
            Path dir = logDir != null ? logDir : Paths.get("target", "apicurio-registry");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Apicurio log directory " + dir, e);
            }
            int attempts = port == 0 ? PORT_ATTEMPTS : 1;
            ApicurioStartupException last = null;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                int chosen = port != 0 ? port : freePort();
                try {
                    return launch(jar, chosen, dir.toAbsolutePath());
                } catch (PortTakenException e) {
                    // another process grabbed the free port between our probe and the child's bind
                    last = e;
                }
            }
            throw last;
        }

        private ApicurioRegistryProcess launch(Path jar, int chosenPort, Path dir) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
            Path log = dir.resolve("apicurio-" + chosenPort + "-" + stamp + ".log");
            List<String> command = new ArrayList<>();
            command.add(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Dquarkus.http.port=" + chosenPort);
            command.add("-Dquarkus.log.console.color=false");
            command.add("-jar");
            command.add(jar.toString());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            pb.environment().put("HTTP_PORT", Integer.toString(chosenPort));
            long started = System.nanoTime();
            Process child;
            try {
                child = pb.start();
            } catch (IOException e) {
                throw new ApicurioStartupException("Cannot start " + String.join(" ", command), e);
            }
            try {
                child.getOutputStream().close(); // the registry reads nothing from stdin
            } catch (IOException ignored) {
                // nothing to do: the child simply keeps an open stdin
            }
            try {
                ApicurioReadiness.await(child, chosenPort, log, startupTimeout);
            } catch (RuntimeException | Error e) {
                stop(child);
                throw e;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            return new ApicurioRegistryProcess(child, chosenPort, jar, log, took);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free local port for Apicurio Registry", e);
        }
    }

    /** The runner jar is not there: build it with {@code tools/apicurio-registry/build.sh}. */
    public static final class ApicurioRunnerMissingException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ApicurioRunnerMissingException(String message) {
            super(message);
        }
    }

    /** The registry process could not be started or never became ready. */
    public static class ApicurioStartupException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ApicurioStartupException(String message) {
            super(message);
        }

        ApicurioStartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final class PortTakenException extends ApicurioStartupException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
