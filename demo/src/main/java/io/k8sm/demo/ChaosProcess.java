package io.k8sm.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of {@code k8sm chaos} (the broker, the world, or a {@code k8sm run SERVICE}): started,
 * killed -9, paused (SIGSTOP) and resumed (SIGCONT) by pid, restarted with the same command line; its
 * output appended to {@code NAME.log} in the run directory.
 *
 * <p>Every child is killed -9 when the harness's JVM exits however it exits (Ctrl-C, SIGTERM, an
 * error): a shutdown hook ends them, paused ones too, so that no broker or service outlives a run.
 */
final class ChaosProcess implements AutoCloseable {
    private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChaosProcess::killEveryChild, "k8sm-chaos-children"));
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private boolean paused;

    ChaosProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /**
     * The JVM options of a broker or service process: a small heap and, as ./k8sm and the image run
     * them, an OutOfMemoryError ends the process (the run's supervisor restarts it) instead of leaving
     * a zombie, with the heap dumped into the run directory to show why.
     */
    static List<String> smallJvm(Path runDir) {
        return List.of(
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + runDir,
                "-Djava.io.tmpdir=" + runDir.resolve("tmp"));
    }

    /** {@code java [jvmOptions] -cp CLASSPATH MAIN ARGS...} with this JVM's java. */
    static List<String> java(String classpath, List<String> jvmOptions, String main, List<String> args) {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.addAll(jvmOptions);
        c.add("-cp");
        c.add(classpath);
        c.add(main);
        c.addAll(args);
        return c;
    }

    /**
     * {@code k8sm run SERVICE} as instance {@code instance} (1, or 2 for its hot standby, named
     * {@code SERVICE-2}): its own static group member id (a restart rejoins at once), a free HTTP port
     * (two runs on one machine), state directory and log.
     */
    static ChaosProcess service(String service, int instance, Path dir, String appClasspath, List<String> jvm)
            throws IOException {
        String name = instance == 1 ? service : service + "-" + instance;
        List<String> args = new ArrayList<>(List.of(
                "run", service, "--config", dir.resolve("services.properties").toString()));
        args.addAll(List.of("-D", "kafka.group.instance.id=chaos-" + name, "--http-port", "" + freePort()));
        if (service.equals("scheduler")) {
            args.addAll(List.of("-D", "scheduler.state.dir=" + dir.resolve(name + "-state")));
        }
        return new ChaosProcess(name, java(appClasspath, jvm, "io.k8sm.app.K8sm", args), dir.resolve(name + ".log"));
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String name() {
        return name;
    }

    /** The service it runs: its name without an instance number ({@code scheduler-2} runs the scheduler). */
    String service() {
        return name.replaceFirst("-\\d+$", "");
    }

    /** The service's {@code --http-port} (its /metrics, /readyz), or -1. */
    int httpPort() {
        int i = command.indexOf("--http-port");
        return i < 0 ? -1 : Integer.parseInt(command.get(i + 1));
    }

    Path log() {
        return log;
    }

    synchronized void start() throws IOException {
        Files.writeString(
                log,
                "=== start " + String.join(" ", command) + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        CHILDREN.removeIf(p -> !p.isAlive());
        CHILDREN.add(process);
        paused = false;
    }

    /** kill -9, and waits until it is gone. */
    synchronized void kill9() throws InterruptedException {
        if (process != null) {
            if (paused) {
                signal("CONT");
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    synchronized void pause() {
        if (alive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    synchronized void resume() {
        if (process != null && paused) {
            signal("CONT");
            paused = false;
        }
    }

    /** The exit code of the last run, or -1 while it runs (or never ran). */
    synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits until the log holds {@code marker} (a line the child prints when it is up), or the process ended. */
    boolean awaitLog(String marker, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            int lastStart = text.lastIndexOf("=== start ");
            if (text.indexOf(marker, Math.max(0, lastStart)) >= 0) {
                return true;
            }
            if (!alive()) {
                return false;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private void signal(String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("kill -" + sig + " " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** kill -9 of every child still alive (stopped ones included: SIGKILL needs no SIGCONT). */
    static int killEveryChild() {
        int killed = 0;
        for (Process p : CHILDREN) {
            if (p.isAlive()) {
                p.destroyForcibly();
                killed++;
            }
        }
        CHILDREN.clear();
        return killed;
    }

    /** SIGTERM, then kill -9 after a grace period. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        resume();
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
