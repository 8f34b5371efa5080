package io.k8sm.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.scheduler.replay.ChangelogWriter;
import io.k8sm.scheduler.replay.RegistryDiff;
import io.k8sm.scheduler.replay.Replay;
import io.k8sm.scheduler.replay.ReplayException;
import io.k8sm.scheduler.replay.ReplayLimits;
import io.k8sm.scheduler.replay.ReplayResult;
import io.k8sm.scheduler.replay.ReplaySummary;
import io.k8sm.scheduler.replay.WhatIf;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerTopics;
import io.k8sm.topics.Topic;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code k8sm replay}: rebuilds the scheduler's state from the input topics in this process
 * ({@code io.k8sm.scheduler.replay}), optionally up to a time or offsets, and prints it; compares it
 * with the live registry, writes it out for a scheduler to start on, or places its pods under other
 * settings. Writes nothing unless {@code --write-to} is given, and then only new topics.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild the scheduler's state from its input topics (pods, offers, task-status, framework,"
                    + " launcher-events, clock, nodes) with the scheduler's own state machine, in this process: no consumer"
                    + " group, no output topic, nothing sent to Mesos or Kubernetes. Prints tasks by state, pods,"
                    + " offers, the queue and events/s; progress goes to stderr.",
            "Exit: 0 done (and with --compare: equal), 1 --compare found differences or the replay failed"
                    + " (cluster or registry unreachable, nothing to replay), 2 bad usage or settings."
        },
        footer = {
            "",
            "Examples:",
            "  k8sm replay --config .k8sm/world.properties",
            "  k8sm replay --compare                                   # exit 1 on any difference",
            "  k8sm replay --until 2026-12-02T00:15:00Z -o json",
            "  k8sm replay --until-offsets pods:0=1200,offers:0=5400",
            "  k8sm replay --policy bin-pack                           # what-if",
            "  k8sm replay --write-to recovered.                       # then: k8sm run scheduler"
                    + " -D scheduler.application.id=recovered.scheduler",
            "",
            "Use the live scheduler's settings (the same --config): a replay decides as they say. -D sets them;"
                    + " --policy and -W set the what-if's."
        })
public class ReplayCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            description = "Replay each input partition only up to its records at TIME (ISO-8601, e.g."
                    + " 2026-12-02T00:15:00Z, or epoch ms).")
    String until;

    @Option(
            names = "--until-offsets",
            paramLabel = "TOPIC:PARTITION=OFFSET[,...]",
            description = "Replay a partition only below OFFSET (as a committed offset); a topic is its logical"
                    + " (pods) or full name. Partitions not named are read to their end.")
    String untilOffsets;

    @Option(
            names = "--compare",
            description = "Compare the rebuilt registry with the live one (the task-registry topic read to its"
                    + " end, or up to --until) and print every difference; exit 1 if any. Without --until or"
                    + " --until-offsets the replay stops where the live scheduler's group has committed.")
    boolean compare;

    @Option(
            names = "--write-to",
            paramLabel = "PREFIX",
            description = "Write the result as new topics: the store changelogs of application id"
                    + " PREFIXscheduler (the state and the input-order journal's position), a copy of the registry"
                    + " in PREFIXtask-registry, and that group's offsets"
                    + " where the replay stopped, so that a scheduler can start on it (scheduler-streams/README.md).")
    String writeTo;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            description = "What-if: place the replayed pods on the agents seen under this placement policy"
                    + " (first-fit, bin-pack) and report the difference from the recorded run.")
    String policy;

    @Option(
            names = {"-W", "--what-if"},
            paramLabel = "KEY=VALUE",
            description = "What-if: another scheduler.* placement setting, e.g. -W scheduler.port.mapping=fixed.")
    Map<String, String> whatIf = new LinkedHashMap<>();

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            description = "text (default) or json.")
    String output = "text";

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the cluster (default 30).")
    int timeoutSeconds = 30;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json").contains(output)) {
            throw new IllegalArgumentException("-o: expected text or json but got '" + output + "'");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, not " + timeoutSeconds);
        }
        for (String k : whatIf.keySet()) {
            if (!k.startsWith("scheduler.")) {
                throw new IllegalArgumentException("-W " + k + ": only scheduler.* settings have a what-if");
            }
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        SchedulerConfig config = config(Map.of());
        SchedulerTopics topics = config.schedulerTopics();
        List<String> inputs = topics.inputs();
        Optional<Long> untilMs = until == null ? Optional.empty() : Optional.of(ReplayLimits.parseTime(until));
        Map<TopicPartition, Long> offsets =
                untilOffsets == null ? Map.of() : ReplayLimits.parseOffsets(untilOffsets, n -> resolve(config, n));
        SchedulerConfig other = null;
        Map<String, String> flags = new LinkedHashMap<>(whatIf);
        if (policy != null) {
            flags.put(SchedulerConfig.PLACEMENT_POLICY, policy);
        }
        if (!flags.isEmpty()) {
            other = config(flags);
        }
        PrintStream err = System.err;
        Map<String, Object> report = new LinkedHashMap<>();
        try {
            String basis = "every input partition to its end";
            if (untilMs.isPresent()) {
                basis = "each input partition up to " + Instant.ofEpochMilli(untilMs.get());
            } else if (!offsets.isEmpty()) {
                basis = "up to --until-offsets";
            } else if (compare) {
                Map<TopicPartition, Long> committed = ChangelogWriter.committed(
                        config.kafka().kafkaProperties(), config.applicationId(), inputs, timeout);
                if (!committed.isEmpty()) {
                    offsets = committed;
                    basis = "up to the live scheduler's committed offsets (group " + config.applicationId() + ")";
                }
            }
            ReplayLimits limits = new ReplayLimits(untilMs, offsets);
            SchedulerSerdes serdes = SchedulerSerdes.registry(config.kafka());
            ReplayResult result = Replay.run(
                    config,
                    serdes,
                    limits,
                    timeout,
                    System::nanoTime,
                    2_000_000_000L,
                    p -> err.printf(
                            "replay: %,d events (%,.0f/s), event time %s%n",
                            p.events(), p.eventsPerSecond(), Instant.ofEpochMilli(p.eventTime())));
            report.put("replayed", basis);
            report.putAll(ReplaySummary.of(result));
            List<RegistryDiff.Difference> diffs = List.of();
            if (compare) {
                var live = RegistryDiff.readLive(
                        config.kafka().kafkaProperties(), topics.taskRegistry(), serdes, untilMs, timeout);
                var replayed = result.registry();
                diffs = RegistryDiff.compare(live, replayed);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("liveTopic", topics.taskRegistry());
                c.put("live", live.size());
                c.put("replay", replayed.size());
                c.put(
                        "differences",
                        diffs.stream()
                                .map(d -> Map.of(
                                        "task", d.taskId(), "field", d.field(), "live", d.live(), "replay", d.replay()))
                                .toList());
                report.put("compare", c);
            }
            if (other != null) {
                report.put("whatIf", whatIf(WhatIf.compare(result, config.procurement(), other.procurement()), flags));
            }
            if (writeTo != null) {
                var w = ChangelogWriter.write(
                        config.kafka().kafkaProperties(),
                        writeTo,
                        result,
                        serdes,
                        config.kafka().topicReplicationFactor(),
                        timeout);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("applicationId", w.applicationId());
                m.put("topics", w.topics());
                m.put("records", w.records());
                m.put("start", "k8sm run scheduler -D " + SchedulerConfig.APPLICATION_ID + "=" + w.applicationId());
                report.put("writtenTo", m);
            }
            if (output.equals("json")) {
                System.out.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report));
            } else {
                System.out.print(ReplayText.render(report));
            }
            System.out.flush();
            return compare && !diffs.isEmpty() ? 1 : 0;
        } catch (ReplayException e) {
            err.println("k8sm replay: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, Object> whatIf(WhatIf w, Map<String, String> settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", settings);
        m.put("recorded", w.recorded());
        m.put("batchRecordedSettings", w.batchRecorded());
        m.put("batchWhatIf", w.batchOther());
        m.put("moved", w.moved());
        m.put("movedExamples", w.movedExamples());
        return m;
    }

    private SchedulerConfig config(Map<String, String> flags) {
        ConfigSources sources = connection.sources(System.getenv(), flags);
        K8smConfig merged = sources.build(v -> new K8smConfig(SchedulerConfig.definition(), v));
        try {
            return SchedulerConfig.from(merged);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw sources.withOrigin(e);
        }
    }

    private static String resolve(SchedulerConfig config, String name) {
        return Topic.byLogicalName(name)
                .map(t -> config.kafka().topics().name(t))
                .orElse(name);
    }
}
