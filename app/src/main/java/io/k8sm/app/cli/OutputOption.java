package io.k8sm.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code -o table|json|yaml}, the output option of every listing. A listing is a list of rows (name
 * → value, in column order); {@code table} prints the columns it is given, {@code json} and {@code
 * yaml} every field of every row (an array), so scripts need no screen-scraping.
 */
public class OutputOption {

    /** The formats of a listing. */
    public enum Format {
        TABLE,
        JSON,
        YAML
    }

    /** Parses a format case-insensitively; anything else is a usage error listing the choices. */
    public static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected table, json or yaml but got '" + value + "'");
            }
        }
    }

    /** The format names, for completion. */
    public static final class Formats extends ArrayList<String> {
        public Formats() {
            super(List.of("table", "json", "yaml"));
        }
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER);

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            converter = FormatConverter.class,
            completionCandidates = Formats.class,
            description = "Output format: table (default), json or yaml.")
    Format format = Format.TABLE;

    public Format format() {
        return format;
    }

    /** Sets the format (for commands with their own default). */
    public OutputOption format(Format f) {
        this.format = f;
        return this;
    }

    /** True unless a table is asked for. */
    public boolean structured() {
        return format != Format.TABLE;
    }

    /**
     * Prints the rows: a table of the given columns (header: the column names upper-cased, e.g.
     * {@code sourceTopic} → {@code SOURCE_TOPIC}), or the whole rows as a JSON or YAML array.
     */
    public void print(PrintStream out, List<String> columns, List<? extends Map<String, ?>> rows) {
        if (format == Format.TABLE) {
            printTable(out, columns, rows);
        } else {
            printStructured(out, rows);
        }
    }

    /** Prints any value (a list of rows, or one document) as JSON or YAML. */
    public void printStructured(PrintStream out, Object value) {
        try {
            if (format == Format.YAML) {
                out.print(YAML.writeValueAsString(value));
            } else {
                out.println(JSON.writeValueAsString(value));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot render the output as " + format.name().toLowerCase(Locale.ROOT), e);
        }
        out.flush();
    }

    static void printTable(PrintStream out, List<String> columns, List<? extends Map<String, ?>> rows) {
        List<String> header = new ArrayList<>();
        for (String c : columns) {
            header.add(c.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        }
        int[] width = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            width[i] = header.get(i).length();
            for (Map<String, ?> row : rows) {
                width[i] = Math.max(width[i], cell(row, columns.get(i)).length());
            }
        }
        out.println(line(header, width));
        for (Map<String, ?> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                cells.add(cell(row, c));
            }
            out.println(line(cells, width));
        }
        out.flush();
    }

    private static String cell(Map<String, ?> row, String column) {
        Object v = row.get(column);
        if (v == null) {
            return "-";
        }
        if (v instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        return v.toString();
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            sb.append(c);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(width[i] - c.length() + 2));
            }
        }
        return sb.toString();
    }

    /** A row builder keeping the column order. */
    public static Map<String, Object> row() {
        return new LinkedHashMap<>();
    }
}
