package io.k8sm.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The size rule: no production source file ({@code <module>/src/main/java}) of any module is longer than {@link
 * #LIMIT} lines. Generated sources ({@code target/}) are not counted.
 */
final class SourceSize {

    static final int LIMIT = 400;

    private SourceSize() {}

    /** Every production source file under {@code root}'s modules with its line count, by path from root. */
    static Map<String, Integer> productionSources(Path root) {
        Map<String, Integer> lines = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
                    .toList()) {
                Path sources = module.resolve("src/main/java");
                if (!Files.isDirectory(sources)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path file :
                            files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        lines.put(relative(root, file), countLines(file));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** The files over the limit, each with its line count. */
    static List<String> violations(Map<String, Integer> sources) {
        List<String> problems = new ArrayList<>();
        sources.forEach((file, count) -> {
            if (count > LIMIT) {
                problems.add(file + " has " + count + " lines (limit " + LIMIT + "); split it by concern");
            }
        });
        return problems;
    }

    private static int countLines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return (int) lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
