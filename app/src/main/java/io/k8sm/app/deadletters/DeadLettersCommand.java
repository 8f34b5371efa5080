package io.k8sm.app.deadletters;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8sm.app.cli.AvroJson;
import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.app.cli.OutputOption;
import io.k8sm.app.cli.TapCommand;
import io.k8sm.app.cli.TimeArg;
import io.k8sm.app.cli.TimeoutOption;
import io.k8sm.app.deadletters.DeadLetterLog.Entry;
import io.k8sm.app.deadletters.Redriver.Result;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.DeadLetterHeader;
import io.k8sm.avro.DeadLetterRedrive;
import io.k8sm.config.K8smConfig;
import io.k8sm.serde.AvroDeserializer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code k8sm dead-letters list|show|redrive}: the dead letters as a work list. */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        description = {
            "The dead letters as a work list: list them, show one decoded, and redrive them (re-send the"
                    + " original record to its source topic once the cause is fixed, once).",
            "A dead letter's ID is PARTITION:OFFSET in the dead-letter topic, as 'list' shows it."
        },
        subcommands = {
            DeadLettersCommand.ListLetters.class,
            DeadLettersCommand.Show.class,
            DeadLettersCommand.Redrive.class
        },
        footer = {"", "Example: k8sm dead-letters list -c .k8sm/demo.properties --since 1h"})
public class DeadLettersCommand implements Runnable {

    @Override
    public void run() {
        // a group of subcommands; the conventions turn a missing one into a usage error
    }

    /** A usage error, before any Kafka call, unless {@code id} is {@code PARTITION:OFFSET}. */
    static String checkId(String id) {
        if (!id.matches("\\d+:\\d+")) {
            throw new IllegalArgumentException("'" + id
                    + "' is not a dead letter ID; expected PARTITION:OFFSET as 'k8sm dead-letters list' shows it");
        }
        return id;
    }

    static Entry find(List<Entry> letters, String id) {
        checkId(id);
        return letters.stream()
                .filter(e -> e.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no dead letter " + id + " in the dead-letter topic"));
    }

    /** {@code k8sm dead-letters list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the dead letters: ID, when it failed, the source topic/partition/offset, the reason,"
                        + " whether it was truncated (cannot be redriven) and whether it was redriven.",
                "Example: k8sm dead-letters list -c .k8sm/demo.properties --topic pods -o json"
            })
    static class ListLetters implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        OutputOption output;

        @Mixin
        TimeoutOption timeout;

        @Option(
                names = "--topic",
                paramLabel = "TOPIC",
                description = "Only letters from this source topic (logical or full name).")
        String topic;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "Only letters that failed at or after TIME: " + TimeArg.FORMS + ".")
        String since;

        @Override
        public Integer call() throws Exception {
            K8smConfig config = connection.config();
            String source = topic == null ? null : sourceTopic(config, topic);
            Instant from = since == null ? null : TimeArg.parse("--since", since, Instant.now());
            DeadLetterLog log = new DeadLetterLog(config, timeout);
            List<Entry> letters = log.letters();
            Map<String, DeadLetterRedrive> redrives = log.redrives();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Entry e : letters) {
                DeadLetter l = e.letter();
                if (source != null && (l == null || !l.getSourceTopic().equals(source))) {
                    continue;
                }
                Instant failed = l == null ? Instant.ofEpochMilli(e.timestamp()) : l.getFailedAt();
                if (from != null && failed.isBefore(from)) {
                    continue;
                }
                rows.add(row(
                        e, failed, l == null ? null : redrives.get(DeadLetterLog.redriveKey(e)), !output.structured()));
            }
            output.print(System.out, List.of("id", "time", "source", "reason", "truncated", "redriven"), rows);
            return 0;
        }

        private static Map<String, Object> row(Entry e, Instant failed, DeadLetterRedrive redrive, boolean table) {
            DeadLetter l = e.letter();
            Map<String, Object> r = OutputOption.row();
            r.put("id", e.id());
            r.put("time", failed.toString());
            if (l == null) {
                r.put("source", null);
                r.put("reason", "unreadable dead letter: " + e.error());
                return r;
            }
            r.put("source", l.getSourceTopic() + "/" + l.getSourcePartition() + "/" + l.getSourceOffset());
            String reason = l.getReason();
            r.put("reason", table && reason.length() > 80 ? reason.substring(0, 77) + "..." : reason);
            r.put("truncated", l.getTruncated());
            if (table) {
                r.put("redriven", redrive != null);
            } else {
                r.put("sourceTopic", l.getSourceTopic());
                r.put("sourcePartition", l.getSourcePartition());
                r.put("sourceOffset", l.getSourceOffset());
                r.put("application", l.getApplication());
                r.put("exceptionClass", l.getExceptionClass());
                r.put("redriven", redrive == null ? null : redriveRow(redrive));
            }
            return r;
        }
    }

    /** {@code k8sm dead-letters show ID}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Show one dead letter in full: coordinates, reason, key, the value decoded through the"
                        + " registry when it is Avro (else text or base64), headers, digests, and its redrive.",
                "Example: k8sm dead-letters show -c .k8sm/demo.properties 0:3 -o json"
            })
    static class Show implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        TimeoutOption timeout;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FORMAT",
                defaultValue = "yaml",
                converter = OutputOption.FormatConverter.class,
                description = "yaml (default) or json.")
        OutputOption.Format format;

        @Parameters(paramLabel = "ID", description = "PARTITION:OFFSET of the letter in the dead-letter topic.")
        String id;

        @Override
        public Integer call() throws Exception {
            checkId(id);
            K8smConfig config = connection.config();
            DeadLetterLog log = new DeadLetterLog(config, timeout);
            Entry e = find(log.letters(), id);
            DeadLetter l = e.letter();
            Map<String, Object> d = OutputOption.row();
            d.put("id", e.id());
            if (l == null) {
                d.put("error", "unreadable dead letter: " + e.error());
            } else {
                d.put(
                        "source",
                        Map.of(
                                "topic", l.getSourceTopic(),
                                "partition", l.getSourcePartition(),
                                "offset", l.getSourceOffset()));
                d.put(
                        "sourceTimestamp",
                        l.getSourceTimestamp() == null
                                ? null
                                : l.getSourceTimestamp().toString());
                d.put("failedAt", l.getFailedAt().toString());
                d.put("application", l.getApplication());
                d.put("reason", l.getReason());
                d.put("exceptionClass", l.getExceptionClass());
                d.put("truncated", l.getTruncated());
                d.put("key", AvroJson.raw(bytes(l.getKey())));
                d.put("keyLength", l.getKeyLength());
                d.put("value", value(config, l));
                d.put("valueLength", l.getValueLength());
                d.put(
                        "valueSha256",
                        l.getValueSha256() == null ? null : HexFormat.of().formatHex(bytes(l.getValueSha256())));
                List<Map<String, Object>> headers = new ArrayList<>();
                for (DeadLetterHeader h : l.getHeaders()) {
                    Map<String, Object> hm = OutputOption.row();
                    hm.put("key", h.getKey());
                    hm.put("value", AvroJson.raw(bytes(h.getValue())));
                    headers.add(hm);
                }
                d.put("headers", headers);
                DeadLetterRedrive r = log.redrives().get(DeadLetterLog.redriveKey(e));
                d.put("redriven", r == null ? null : redriveRow(r));
            }
            OutputOption out = new OutputOption();
            out.format(format == OutputOption.Format.TABLE ? OutputOption.Format.YAML : format);
            out.printStructured(System.out, d);
            return 0;
        }

        /** The value decoded through the registry when it is in the Confluent wire format. */
        private static Object value(K8smConfig config, DeadLetter l) {
            byte[] v = bytes(l.getValue());
            if (v == null || v.length < 5 || v[0] != 0 || l.getTruncated()) {
                return AvroJson.raw(v);
            }
            try (AvroDeserializer<Object> values = new AvroDeserializer<>()) {
                values.configure(config.serdeConfig(), false);
                JsonNode decoded = AvroJson.of(values.deserialize(l.getSourceTopic(), v));
                return Map.of("decoded", decoded);
            } catch (RuntimeException e) {
                return Map.of("undecodable", String.valueOf(e.getMessage()), "raw", AvroJson.raw(v));
            }
        }
    }

    /** {@code k8sm dead-letters redrive ID | --all-from-topic TOPIC}. */
    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            description = {
                "Re-send dead letters' original records (key, value, headers) to their source topics once"
                        + " the cause is fixed. Each letter is redriven once: a dead-letter-redrives record,"
                        + " written in the same transaction, says it was, and a second redrive is refused"
                        + " (an ID) or skipped (--all-from-topic). A truncated letter cannot be redriven.",
                "Exit: 0 when every letter asked for was redriven (or, with --all-from-topic, skipped as"
                        + " done before), 1 when one could not be, 2 on bad usage.",
                "Example: k8sm dead-letters redrive -c .k8sm/demo.properties 0:3",
                "         k8sm dead-letters redrive -c .k8sm/demo.properties --all-from-topic pods"
            })
    static class Redrive implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        TimeoutOption timeout;

        static class Which {
            @Parameters(paramLabel = "ID", description = "PARTITION:OFFSET of the letter in the dead-letter topic.")
            String id;

            @Option(
                    names = "--all-from-topic",
                    paramLabel = "TOPIC",
                    description = "Every letter from this source topic (logical or full name) not redriven yet.")
            String topic;
        }

        @ArgGroup(multiplicity = "1")
        Which which;

        @Override
        public Integer call() throws Exception {
            if (which.id != null) {
                checkId(which.id);
            }
            K8smConfig config = connection.config();
            DeadLetterLog log = new DeadLetterLog(config, timeout);
            List<Entry> letters = log.letters();
            List<Entry> chosen = new ArrayList<>();
            if (which.id != null) {
                chosen.add(find(letters, which.id));
            } else {
                String source = sourceTopic(config, which.topic);
                letters.stream()
                        .filter(e -> e.letter() != null
                                && e.letter().getSourceTopic().equals(source))
                        .forEach(chosen::add);
            }
            List<Result> results = new Redriver(config, timeout, log).redrive(chosen);
            int redriven = 0;
            int failed = 0;
            for (Result r : results) {
                String id = r.entry().id();
                switch (r.outcome()) {
                    case REDRIVEN -> {
                        redriven++;
                        System.out.println(
                                "redriven " + id + " to " + r.entry().letter().getSourceTopic() + "/"
                                        + r.redrive().getTargetPartition() + "/"
                                        + r.redrive().getTargetOffset());
                    }
                    case ALREADY_REDRIVEN -> {
                        System.out.println("skipped  " + id + ": redriven already at "
                                + r.redrive().getRedrivenAt()
                                + " (dead letter " + r.redrive().getDeadLetterPartition() + ":"
                                + r.redrive().getDeadLetterOffset() + ", to offset "
                                + r.redrive().getTargetOffset()
                                + "); a dead letter is redriven once");
                        failed += which.id != null ? 1 : 0;
                    }
                    case TRUNCATED -> {
                        failed++;
                        System.out.println("skipped  " + id + ": truncated (only a prefix of the record was kept),"
                                + " so it cannot be redriven; 'k8sm dead-letters show " + id + "' shows what is left");
                    }
                    case UNREADABLE -> {
                        failed++;
                        System.out.println("skipped  " + id + ": the dead letter itself cannot be read");
                    }
                    case NO_SOURCE_TOPIC -> {
                        failed++;
                        System.out.println("skipped  " + id + ": its source topic "
                                + r.entry().letter().getSourceTopic() + " does not exist");
                    }
                }
            }
            System.out.println(redriven + " redriven, " + (results.size() - redriven) + " skipped");
            return failed == 0 ? 0 : 1;
        }
    }

    static Map<String, Object> redriveRow(DeadLetterRedrive r) {
        Map<String, Object> m = OutputOption.row();
        m.put("at", r.getRedrivenAt().toString());
        m.put("by", r.getRedrivenBy());
        m.put("deadLetter", r.getDeadLetterPartition() + ":" + r.getDeadLetterOffset());
        m.put("target", r.getSourceTopic() + "/" + r.getTargetPartition() + "/" + r.getTargetOffset());
        return m;
    }

    static String sourceTopic(K8smConfig config, String name) {
        return TapCommand.topicName(config, name);
    }

    static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
