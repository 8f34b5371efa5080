package io.k8sm.topics;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The topic table of the documentation, generated from {@link Topic}: so that what the README says
 * about each topic (settings, writers, readers) is what the code declares.
 */
public final class TopicDocs {

    /** The line before the generated table in a Markdown file. */
    public static final String BEGIN = "<!-- topic table: generated from io.k8sm.topics.Topic by TopicDocs -->";

    /** The line after it. */
    public static final String END = "<!-- end of topic table -->";

    private TopicDocs() {}

    /** The Markdown table, one row per topic in declaration order, each line ending in a newline. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| topic | key | value (`io.k8sm.avro.`) | cleanup, retention | partitions | written by | read by |")
                .append(" what |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Topic t : Topic.values()) {
            out.append("| `")
                    .append(t.logicalName())
                    .append("` | ")
                    .append(t.key())
                    .append(" | ")
                    .append(value(t))
                    .append(" | ")
                    .append(cleanup(t))
                    .append(" | ")
                    .append(t.defaultPartitions())
                    .append(" | ")
                    .append(names(t.writers()))
                    .append(" | ")
                    .append(names(t.readers()))
                    .append(" | ")
                    .append(t.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return out.toString();
    }

    /**
     * The text between {@link #BEGIN} and {@link #END} in a document (without the marker lines), or
     * null when the markers are missing.
     */
    public static String generatedPart(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            return null;
        }
        return document.substring(begin + BEGIN.length(), end).strip() + "\n";
    }

    /** The value class, with the alternatives of a wrapper's union field: {@code `OfferEvent` (`Offer` \| ...)}. */
    static String value(Topic t) {
        Schema schema = t.valueSchema();
        String name = "`" + schema.getName() + "`";
        for (Schema.Field f : schema.getFields()) {
            if (f.schema().getType() == Schema.Type.UNION) {
                List<String> alternatives = f.schema().getTypes().stream()
                        .filter(s -> s.getType() == Schema.Type.RECORD)
                        .map(s -> "`" + s.getName() + "`")
                        .toList();
                if (alternatives.size() > 1) {
                    return name + " (" + String.join(" \\| ", alternatives) + ")";
                }
            }
        }
        return name;
    }

    static String cleanup(Topic t) {
        String policy = t.cleanupPolicy().config().replace(",", "+");
        return t.retention().map(r -> policy + ", " + days(r)).orElse(policy);
    }

    private static String days(Duration d) {
        return d.toHours() % 24 == 0 ? d.toDays() + " d" : d.toHours() + " h";
    }

    private static String names(List<Component> components) {
        return components.stream()
                .map(Objects::requireNonNull)
                .map(Component::displayName)
                .collect(Collectors.joining(", "));
    }
}
