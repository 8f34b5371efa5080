package io.k8sm.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8sm.config.K8smConfig;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code k8sm tap TOPIC...}: reads topics, decodes each value through the schema registry and
 * prints one JSON object per line on stdout. A record that cannot be decoded is printed as a JSON
 * line with an {@code error} and its coordinates; tap carries on. Tap joins no consumer group,
 * commits nothing and creates no topic, so it never disturbs the components it watches; it stops at
 * once on SIGTERM or Ctrl-C, and when its output pipe closes.
 */
@Command(
        name = "tap",
        mixinStandardHelpOptions = true,
        description = {
            "Print topics' records as JSON lines, decoded through the schema registry.",
            "Each line: {\"topic\",\"partition\",\"offset\",\"timestamp\",\"key\",\"value\"} (with --headers"
                    + " and --schema-id also those); an unreadable record gives {\"topic\",\"partition\",\"offset\","
                    + "\"error\"} instead. Union branches are named ({\"Heartbeat\": {}}), times are ISO-8601,"
                    + " bytes base64 (a 16-byte uuid as a UUID).",
            "Any topic can be tapped: k8sm topics by logical or full name, others (changelogs, _schemas) by"
                    + " full name, decoded when Avro and shown as text or base64 otherwise.",
            "Without a start (--from-beginning, --from, --offset) tap starts at the end and follows; with"
                    + " one, it stops at the end unless --follow is given. A registry out of reach stops tap"
                    + " with exit 1; a missing topic is an error (exit 1), never created.",
            "Examples: k8sm tap -c .k8sm/demo.properties scheduler-events --from-beginning --key default/flaky-0",
            "          k8sm tap -c .k8sm/demo.properties framework mesos-calls --from 10m --where value.call=Decline",
            "          k8sm tap -c .k8sm/demo.properties k8sm-scheduler-scheduler-tasks-changelog --from-beginning"
        })
public class TapCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    TimeoutOption timeout;

    @Parameters(
            paramLabel = "TOPIC",
            arity = "1..*",
            description = "Logical name (pods, task-registry, scheduler-events, ...) or full topic name; several"
                    + " are read together.")
    List<String> topicNames = new ArrayList<>();

    @Option(names = "--from-beginning", description = "Start at the earliest record.")
    boolean fromBeginning;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "Start at the first record at or after TIME: " + TimeArg.FORMS + ".")
    String from;

    @Option(
            names = {"-p", "--partition"},
            paramLabel = "N",
            description = "Only this partition (repeatable).")
    List<Integer> partitions = new ArrayList<>();

    @Option(
            names = "--offset",
            paramLabel = "N",
            description = "Start at offset N of each partition read; -N: N records before the end.")
    Long offset;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep waiting for new records (default without a start).")
    boolean follow;

    @Option(
            names = {"-k", "--key"},
            paramLabel = "KEY",
            description = "Only records with this key (e.g. default/web-1).")
    String key;

    @Option(
            names = "--where",
            paramLabel = "PATH=VALUE",
            description =
                    "Only records whose decoded field has"
                            + " this value, e.g. value.podKey=default/web-1, value.event=Heartbeat (a union branch),"
                            + " state=TASK_RUNNING (a path without topic/key/value/... is under value); repeatable, all must hold.")
    List<String> where = new ArrayList<>();

    @Option(names = "--grep", paramLabel = "REGEX", description = "Only records whose JSON line contains REGEX.")
    String grep;

    @Option(names = "--headers", description = "Print each record's headers.")
    boolean headers;

    @Option(names = "--schema-id", description = "Print the registry schema id of each value.")
    boolean schemaId;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "json",
            description = "json (one line per record, default) or pretty (indented).")
    String output;

    @Option(
            names = {"-n", "--limit"},
            paramLabel = "N",
            description = "Stop after printing N records.")
    Integer limit;

    /** A k8sm topic by logical or full name; anything else is an error listing the names. */
    static Topic resolve(TopicCatalogue topics, String name) {
        return Topic.byLogicalName(name).or(() -> topics.byName(name)).orElseThrow(() -> notATopic(topics, name, ""));
    }

    /** The topic name a logical or full name stands for; a name outside the catalogue as given. */
    public static String topicName(K8smConfig config, String name) {
        return Topic.byLogicalName(name)
                .or(() -> config.topics().byName(name))
                .map(t -> config.topics().name(t))
                .orElse(name);
    }

    private static IllegalArgumentException notATopic(TopicCatalogue topics, String name, String more) {
        return new IllegalArgumentException("'" + name + "' is not a k8sm topic" + more + "; expected one of "
                + Arrays.stream(Topic.values()).map(Topic::logicalName).collect(Collectors.joining(", "))
                + " (or the full name with prefix '" + topics.prefix() + "')");
    }

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, not " + limit);
        }
        if (!output.equals("json") && !output.equals("pretty")) {
            throw new IllegalArgumentException("--output: expected json or pretty but got '" + output + "'");
        }
        if ((fromBeginning ? 1 : 0) + (from != null ? 1 : 0) + (offset != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("give one of --from-beginning, --from and --offset");
        }
        List<TapLine.Where> conditions =
                where.stream().map(TapLine.Where::parse).toList();
        Pattern pattern = grep == null ? null : Pattern.compile(grep);
        Instant fromTime = from == null ? null : TimeArg.parse("--from", from, Instant.now());
        K8smConfig config = connection.config();
        List<String> names = new ArrayList<>();
        List<String> catalogued = new ArrayList<>();
        for (String n : topicNames) {
            String t = topicName(config, n);
            names.add(t);
            if (config.topics().byName(t).isPresent()) {
                catalogued.add(t);
            }
        }
        Map<String, Integer> counts = TapTopics.partitionCounts(config, timeout, names);
        for (String t : names) {
            if (counts.get(t) == 0) {
                if (catalogued.contains(t)) {
                    throw new IllegalStateException(
                            "topic " + t + " does not exist (create it with: k8sm topics create)");
                }
                throw notATopic(
                        config.topics(), t, " and no topic of that name exists on " + config.bootstrapServers());
            }
        }
        List<TopicPartition> parts = TapTopics.select(counts, partitions);
        boolean keepFollowing = follow || (!fromBeginning && from == null && offset == null);
        Properties p = timeout.apply(config.kafkaProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-tap");
        AvroDeserializer<Object> values = new AvroDeserializer<>();
        values.configure(config.serdeConfig(), false);
        TapLine render = new TapLine(values, headers, schemaId, output.equals("pretty"));
        PrintStream out = System.out;
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Stop stop = new Stop();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Thread hook = new Thread(
                    () -> {
                        // SIGTERM / Ctrl-C: stop now, even in the middle of a batch or a registry call.
                        stop.requested = true;
                        consumer.wakeup();
                        main.interrupt();
                        try {
                            done.await(2, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "k8sm-tap-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                consumer.assign(parts);
                TapTopics.seek(consumer, parts, fromBeginning, fromTime, offset, timeout.duration());
                Map<TopicPartition, Long> end =
                        keepFollowing ? Map.of() : consumer.endOffsets(parts, timeout.duration());
                int printed = 0;
                while (!stop.requested) {
                    if (!keepFollowing && TapTopics.reachedEnd(consumer, end, timeout.duration())) {
                        break;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (stop.requested) {
                            break;
                        }
                        ObjectNode line = render.render(r, catalogued.contains(r.topic()));
                        String compact = TapLine.text(line, false);
                        if (!TapLine.accepted(line, compact, conditions, pattern, key)) {
                            continue;
                        }
                        out.println(render.text(line));
                        if (out.checkError()) {
                            return 0; // the reader went away (| head -1)
                        }
                        printed++;
                        if (limit != null && printed >= limit) {
                            return 0;
                        }
                    }
                    out.flush();
                    if (out.checkError()) {
                        return 0;
                    }
                }
            } catch (WakeupException | InterruptException e) {
                // SIGTERM / Ctrl-C: stop quietly.
            } catch (TapLine.RegistryOutage e) {
                if (!stop.requested) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            } finally {
                Thread.interrupted();
                values.close();
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
        return 0;
    }

    private static final class Stop {
        volatile boolean requested;
    }
}
