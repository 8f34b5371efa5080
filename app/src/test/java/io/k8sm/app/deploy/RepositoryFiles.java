package io.k8sm.app.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout's root, found from the module's directory (where Surefire runs). */
final class RepositoryFiles {
    private RepositoryFiles() {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docker-compose.yml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
