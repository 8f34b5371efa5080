package io.k8sm.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The schemas defined by the {@code .avsc} files of one directory, parsed together so that a file
 * may refer by name to a type defined in another file, whatever the order of the files.
 *
 * @param files the top-level schema of each file, by file, in file-name order
 * @param named every named type (record, enum, fixed) defined anywhere in the directory, by full
 *     name
 */
public record SchemaDirectory(List<SchemaFile> files, Map<String, Schema> named) {

    /** One {@code .avsc} file and the schema it defines at its top level. */
    public record SchemaFile(Path path, Schema schema) {
        /** The full name of the top-level schema (e.g. {@code io.k8sm.avro.PodSnapshot}). */
        public String fullName() {
            return schema.getFullName();
        }
    }

    public SchemaDirectory {
        files = List.copyOf(files);
        named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
    }

    /** The file whose top-level schema has this full name, if any. */
    public java.util.Optional<SchemaFile> file(String fullName) {
        return files.stream().filter(f -> f.fullName().equals(fullName)).findFirst();
    }

    /**
     * Parses every {@code *.avsc} file in {@code dir} (not recursive). Files are parsed in passes: a
     * file that refers to a type not yet defined is retried after the others, so no import order is
     * needed.
     *
     * @throws IllegalArgumentException naming each file that cannot be parsed and why
     */
    public static SchemaDirectory load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("schema directory " + dir.toAbsolutePath() + " does not exist");
        }
        List<Path> pending;
        try (Stream<Path> list = Files.list(dir)) {
            pending = list.filter(p -> p.getFileName().toString().endsWith(".avsc"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .collect(Collectors.toCollection(ArrayList::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list schema directory " + dir.toAbsolutePath(), e);
        }
        Map<String, Schema> named = new LinkedHashMap<>();
        Map<Path, SchemaFile> parsed = new LinkedHashMap<>();
        Map<Path, String> lastErrors = new LinkedHashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                Path file = it.next();
                Schema.Parser parser = new Schema.Parser();
                parser.addTypes(named.values());
                try {
                    Schema schema = parser.parse(file.toFile());
                    named.putAll(parser.getTypes());
                    parsed.put(file, new SchemaFile(file, schema));
                    lastErrors.remove(file);
                    it.remove();
                    progress = true;
                } catch (AvroRuntimeException e) { // undefined name (maybe defined by a later file) or invalid schema
                    lastErrors.put(file, e.getMessage());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read schema file " + file.toAbsolutePath(), e);
                }
            }
        }
        if (!pending.isEmpty()) {
            String detail = pending.stream()
                    .map(p -> p.getFileName() + ": " + lastErrors.get(p))
                    .collect(Collectors.joining("; "));
            throw new IllegalArgumentException("cannot parse the schemas in " + dir.toAbsolutePath() + ": " + detail);
        }
        List<SchemaFile> files = new ArrayList<>(parsed.values());
        files.sort(Comparator.comparing(f -> f.path().getFileName().toString()));
        return new SchemaDirectory(files, named);
    }
}
