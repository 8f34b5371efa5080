package io.k8sm.sandbox.apicurio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Where the Apicurio runner jar is: -D{@value ApicurioRegistryProcess#RUNNER_PROPERTY}, the environment, or the tool's target. */
final class ApicurioRunners {
    private ApicurioRunners() {}

    /**
     * The runner jar, if one can be found (see the class comment for where it is looked for).
     *
     * @throws ApicurioRunnerMissingException if the system property or environment variable is set
     *     but names nothing usable: an explicit setting that is wrong must not be silently ignored
     */
    static Optional<Path> locate() {
        String explicit = System.getProperty(ApicurioRegistryProcess.RUNNER_PROPERTY);
        String source = "system property " + ApicurioRegistryProcess.RUNNER_PROPERTY;
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(ApicurioRegistryProcess.RUNNER_ENV);
            source = "environment variable " + ApicurioRegistryProcess.RUNNER_ENV;
        }
        if (explicit != null && !explicit.isBlank()) {
            Path given = Paths.get(explicit.trim()).toAbsolutePath().normalize();
            Optional<Path> jar = at(given);
            if (jar.isEmpty()) {
                throw new ApicurioRegistryProcess.ApicurioRunnerMissingException("The "
                        + source
                        + " names "
                        + given
                        + ", which is neither a *-runner.jar (with lib/"
                        + " beside it) nor a directory holding one. "
                        + ApicurioRegistryProcess.BUILD_HINT);
            }
            return jar;
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve(ApicurioRegistryProcess.TOOL_DIR).resolve("target");
            if (Files.isDirectory(target)) {
                Optional<Path> jar = at(target);
                if (jar.isPresent()) {
                    return jar;
                }
            }
        }
        return Optional.empty();
    }

    /** The runner jar, or an exception that says how to build it. */
    static Path require() {
        return locate().orElseThrow(() -> new ApicurioRegistryProcess.ApicurioRunnerMissingException(
                "No Apicurio Registry runner found: looked at -D"
                        + ApicurioRegistryProcess.RUNNER_PROPERTY
                        + ", $"
                        + ApicurioRegistryProcess.RUNNER_ENV
                        + " and "
                        + ApicurioRegistryProcess.TOOL_DIR
                        + "/target in "
                        + Paths.get("").toAbsolutePath()
                        + " and its parents. "
                        + ApicurioRegistryProcess.BUILD_HINT));
    }

    /** A runner jar at {@code path}: the jar itself, a legacy-jar target dir, or a fast-jar dir. */
    static Optional<Path> at(Path path) {
        if (Files.isRegularFile(path)) {
            return path.getFileName().toString().endsWith(".jar") ? Optional.of(path) : Optional.empty();
        }
        if (!Files.isDirectory(path)) {
            return Optional.empty();
        }
        Path fastJar = path.resolve("quarkus-app").resolve("quarkus-run.jar");
        if (Files.isRegularFile(path.resolve("quarkus-run.jar"))) {
            return Optional.of(path.resolve("quarkus-run.jar"));
        }
        if (Files.isRegularFile(fastJar)) {
            return Optional.of(fastJar);
        }
        if (!Files.isDirectory(path.resolve("lib"))) {
            return Optional.empty();
        }
        Path newest = null;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(path, "*-runner.jar")) {
            for (Path jar : jars) {
                if (newest == null || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(newest)) > 0) {
                    newest = jar;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + path + " for an Apicurio runner jar", e);
        }
        return Optional.ofNullable(newest);
    }
}
