package io.k8sm.schemas;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the current and the released schemas (surefire runs in the module
 * directory).
 */
final class ContractPaths {
    static final Path CURRENT = Path.of("src", "main", "avro");
    static final Path RELEASED = Path.of("src", "test", "resources", "released");

    private ContractPaths() {}

    /** Copies every .avsc of {@code from} into {@code to}. */
    static void copyAll(Path from, Path to) throws java.io.IOException {
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".avsc"))::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
